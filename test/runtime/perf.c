// Profilers (docs/debugging.md): perf records samples in the area while the
// process runs three variants one after the other; melf-perf-report
// attributes them to the function and the variant that ran, which perf
// alone cannot (it finds no symbol at a non-default image's file offset).
// REQUIRES: perf
// RUN: %clang %melf_cflags -O2 -c %s -o %t.o
// RUN: %clang %melf_ldflags %t.o -o %t
// RUN: perf record -q -e cpu-clock -o %t.data %t
// RUN: melf-perf-report -i %t.data %t | FileCheck %s
// Bad input: a program without a MELF area, missing data.
// RUN: not melf-perf-report -i %t.data /bin/true 2>&1 | FileCheck %s --check-prefix=NOMELF
// RUN: not melf-perf-report -i %t.missing %t 2>&1 | FileCheck %s --check-prefix=NODATA
#include <melf.h>
#include <stdio.h>
#include <time.h>

__attribute__((variant("debug", "size"))) __attribute__((noinline)) unsigned spin(unsigned x) {
  for (int i = 0; i < 1000; i++)
    x = x * 1103515245u + 12345u;
  return x;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(void) {
  const char *order[] = {"default", "debug", "size"};
  unsigned x = 1;
  for (int v = 0; v < 3; v++) {
    if (melf_switch_process(melf_variant_find(order[v])) != 0)
      return 1;
    // The same time in each variant: a third of the samples each.
    for (double end = now() + 0.3; now() < end;)
      x = spin(x);
  }
  printf("%u\n", x & 1);
  return 0;
}
// CHECK: melf-perf-report: {{[0-9]+}} samples, {{[0-9]+}} in the MELF area of
// CHECK-DAG: {{(2[0-9]|3[0-9]|4[0-5])\.[0-9]}}% spin default
// CHECK-DAG: {{(2[0-9]|3[0-9]|4[0-5])\.[0-9]}}% spin debug
// CHECK-DAG: {{(2[0-9]|3[0-9]|4[0-5])\.[0-9]}}% spin size
// NOMELF: melf-perf-report: error: {{.*}}
// NODATA: melf-perf-report: error: no perf data: {{.*}}.missing
