// Checking mode: a switch is refused while the calling thread's stack holds
// a return address inside the MELF area (MELF_CHECK=1 or melf_set_check).
// RUN: %clang %melf_cflags -O2 -c %s -o %t.o
// RUN: %clang %melf_ldflags %t.o -o %t
// RUN: env MELF_CHECK=1 %t | FileCheck %s --check-prefix=CHECK
// RUN: %t api | FileCheck %s --check-prefixes=CHECK,API
#include <melf.h>
#include <stdio.h>

typedef int (*fn)(int);
__attribute__((noinline)) int call(fn f, int x) { return f(x); }
static int try_switch(int id) { return melf_switch_process(id); }
static int stack_check(int unused) { (void)unused; return melf_check_stack(); }

// A multivariant frame that calls out (through a pointer, so it is a real
// call with the return address on the stack) to a function that switches.
__attribute__((variant("debug")))
int inside(fn f) {
  int r = call(f, melf_variant_find("debug"));
  __asm__ volatile("" ::: "memory");
  return r;
}

int main(int argc, char **argv) {
  if (argc > 1)
    printf("set_check previous %d\n", melf_set_check(1));
  printf("check from main %d\n", melf_check_stack());
  printf("check from inside %d\n", inside(stack_check));
  int rc = inside(try_switch);
  printf("switch from inside: %s\n", melf_strerror(rc));
  printf("switch from main: %s\n", melf_strerror(melf_switch_process(1)));
  printf("set_check previous %d\n", melf_set_check(0));
  return 0;
}
// API: set_check previous 0
// CHECK: check from main 0
// CHECK-NEXT: check from inside -9
// CHECK-NEXT: switch from inside: the calling thread's stack holds a return address inside the MELF area
// CHECK-NEXT: switch from main: success
// CHECK-NEXT: set_check previous 1
