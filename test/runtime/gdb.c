// The gdb extension (tools/gdb/melf.py) on libmelf's debugger interface:
// `info melf` shows the variants, the mode and each thread's variant before
// and after a process-wide switch; `melf break` (a hardware breakpoint) hits
// in the default and then in the debug variant; `melf disassemble` shows a
// chosen variant's code; the notify hook warns about a software breakpoint
// in the area is moved to the new image when a switch remaps the area.
// REQUIRES: gdb
// RUN: %clang %melf_cflags -O2 -c %s -o %t.o
// RUN: %clang %melf_ldflags %t.o -o %t
// RUN: not %melf_gdb -ex 'melf break work' %t 2>&1 | FileCheck %s --check-prefix=NOTRUNNING
// RUN: %melf_gdb -ex 'break main' -ex run -ex 'melf break work' -ex continue \
// RUN:   -ex 'info melf' -ex 'melf disassemble debug work' -ex continue -ex 'info melf' \
// RUN:   -ex 'print (const char *) which_variant()' -ex 'break work' -ex continue -ex continue \
// RUN:   -ex kill %t 2>&1 | FileCheck %s
#include <melf.h>
#include <stdio.h>

__attribute__((variant("debug", "size"))) __attribute__((noinline)) int work(int x) {
  return x * 3 + 1;
}

__attribute__((noinline)) const char *which_variant(void) {
  return melf_variant_name(melf_current_variant());
}

int main(void) {
  int a = work(1);
  melf_switch_process(melf_variant_find("debug"));
  int b = work(2);
  melf_switch_process(melf_variant_find("size"));
  int c = work(3);
  printf("results %d %d %d\n", a, b, c);
  return 0;
}
// NOTRUNNING: melf break: hardware breakpoints need a running program
// CHECK: Hardware assisted breakpoint 2 at
// CHECK: Breakpoint 2, {{.*}}work
// CHECK: MELF: 3 variants (default, debug, size), process mode
// CHECK-NEXT: area: text 0x{{[0-9a-f]+}} +0x1000, unwind tables 0x{{[0-9a-f]+}} +0x1000
// CHECK-NEXT: process variant: default
// CHECK-NEXT: Thread 1 (LWP {{[0-9]+}}): default
// CHECK: <work.melf.debug>: # slot 0
// CHECK-NEXT: pushq %rbp
// CHECK: Breakpoint 2, {{.*}}work
// CHECK: process variant: debug
// CHECK-NEXT: Thread 1 (LWP {{[0-9]+}}): debug
// CHECK: = {{.*}}"debug"
// CHECK: Breakpoint 3 at
// CHECK: Breakpoint 3, {{.*}}work
// A software breakpoint survives the switch to `size` (it is moved to the
// new image, docs/debugging.md).
// CHECK: melf: process-wide switch: 1 software breakpoint location in the MELF area moved to the new image
