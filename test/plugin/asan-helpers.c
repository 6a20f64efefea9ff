// An asan clone checks the code its default body contains: helpers the
// default body inlines (here a static inline load) get instrumented copies
// that the asan clone calls and inlines, so an overflow inside the helper is
// caught in the asan variant; the default variant does not notice it.
// RUN: rm -rf %t && mkdir %t
// RUN: %clang %melf_cflags -O2 -S -emit-llvm %s -o %t/a.ll
// RUN: FileCheck %s --check-prefix=IR < %t/a.ll
// RUN: %clang %melf_cflags -O2 -g -c %s -o %t/a.o
// RUN: %clang %melf_ldflags -fsanitize=address %t/a.o -o %t/a
// RUN: %t/a | FileCheck %s --check-prefix=DEFAULT
// RUN: env MELF_VARIANT=asan not %t/a 2>&1 | FileCheck %s --check-prefix=ASAN
// The asan clone calls no uninstrumented helper: load is inlined into it.
// IR: define internal {{.*}}@sum.melf.asan({{.*}} #[[ATTR:[0-9]+]]
// IR-NOT: call {{.*}}@load
// IR: }
// IR: attributes #[[ATTR]] = {{{.*}}sanitize_address
// The default body inlines load as before.
// IR-NOT: define {{.*}}@load.melf_asan
// DEFAULT: sum {{-?[0-9]+}}
// ASAN: ERROR: AddressSanitizer: heap-buffer-overflow
// ASAN: READ of size 4
// ASAN: #0 {{.*}} in sum
#include <stdio.h>
#include <stdlib.h>
static inline int load(const int *p, int i) { return p[i]; }

__attribute__((variant("asan")))
int sum(const int *p, int n) {
  int s = 0;
  for (int i = 0; i <= n; i++) // one past the end
    s += load(p, i);
  return s;
}

int main(void) {
  int n = 10;
  int *a = malloc(n * sizeof *a);
  for (int i = 0; i < n; i++)
    a[i] = i;
  int (*volatile f)(const int *, int) = sum;
  printf("sum %d\n", f(a, n));
  free(a);
  return 0;
}
