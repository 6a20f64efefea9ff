// A MELF object links with a stock linker (which drops the SHF_EXCLUDE
// group records) and runs its default code. An object with an asan variant
// needs the ASan runtime: it links with -fsanitize=address and runs with
// leak detection off by default; without it the link fails on __asan_*.
// RUN: %clang %melf_cflags -O2 -DVARIANTS='"debug"' -c %s -o %t.o
// RUN: %clang -fuse-ld=lld %t.o -o %t.lld && %t.lld | FileCheck %s
// RUN: %clang -fuse-ld=bfd %t.o -o %t.bfd && %t.bfd | FileCheck %s
// RUN: llvm-readelf -S %t.lld | FileCheck %s --check-prefix=SEC
// RUN: %clang %melf_cflags -O2 -DVARIANTS='"asan","debug"' -c %s -o %t.asan.o
// RUN: %clang -fsanitize=address %t.asan.o -o %t.asan && %t.asan 2>&1 | FileCheck %s --check-prefix=ASAN
// RUN: not %clang -fuse-ld=lld %t.asan.o -o %t.noasan 2>&1 | FileCheck %s --check-prefix=NORT
#include <stdio.h>
#include <stdlib.h>

__attribute__((variant(VARIANTS)))
int sum(const int *p, int n) {
  int s = 0;
  for (int i = 0; i < n; i++) s += p[i];
  return s;
}

int main(void) {
  int *leak = malloc(4 * sizeof(int));
  for (int i = 0; i < 4; i++) leak[i] = i;
  printf("sum=%d\n", sum(leak, 4));
  return 0; // leaks `leak`: LSan is off through __asan_default_options
}

// CHECK: sum=6
// SEC: .melf.text.default.sum
// SEC-NOT: .melf.group
// ASAN: sum=6
// ASAN-NOT: LeakSanitizer
// NORT: undefined symbol: __asan_
