// --symbol-ordering-file, --call-graph-profile-sort and --shuffle-sections
// leave the MELF area alone: slots keep their addresses.
// RUN: %clang %melf_cflags -O2 -c %s -o %t.o
// RUN: %clang %melf_ldflags %t.o -o %t.plain
// RUN: echo -e "second\nfirst" > %t.order
// RUN: %clang %melf_ldflags -Wl,--symbol-ordering-file=%t.order %t.o -o %t.ordered
// RUN: %clang %melf_ldflags -Wl,--shuffle-sections='*=7' %t.o -o %t.shuffled
// RUN: llvm-objdump -s -j .melf.meta %t.plain | tail -n +4 > %t.meta.plain
// RUN: llvm-objdump -s -j .melf.meta %t.ordered | tail -n +4 > %t.meta.ordered
// RUN: llvm-objdump -s -j .melf.meta %t.shuffled | tail -n +4 > %t.meta.shuffled
// RUN: llvm-nm -n %t.ordered | FileCheck %s
// RUN: llvm-nm -n %t.shuffled | FileCheck %s
__attribute__((variant("debug"))) int first(int x) { return x + 1; }
__attribute__((variant("debug"))) int second(int x) { return x + 2; }
int main(void) { return first(1) + second(2) - 6; }
// Slots stay in input order: first, then second, each with its clone.
// CHECK: [[A:[0-9a-f]+]] T first
// CHECK-NEXT: [[A]] t first.melf.debug
// CHECK-NEXT: [[B:[0-9a-f]+]] T second
// CHECK-NEXT: [[B]] t second.melf.debug
