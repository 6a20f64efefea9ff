// A whole translation unit compiled with -fsanitize=address keeps its MELF
// records intact (no redzones in .melf.group): ld.melf lays it out.
// RUN: %clang %melf_cflags -fsanitize=address -O1 -c %s -o %t.o
// RUN: llvm-readelf -S %t.o | FileCheck %s --check-prefix=SEC
// RUN: %clang %melf_ldflags -fsanitize=address %t.o -o %t
// RUN: %t | FileCheck %s
// RUN: melf-objdump --verify %t | FileCheck %s --check-prefix=VERIFY
#include <stdio.h>
__attribute__((variant("debug"))) int f(int x) { return x + 1; }
__attribute__((variant("debug"))) int g(int x) { return x * 3; }
int main(void) { printf("%d %d\n", f(1), g(2)); return 0; }
// SEC: .melf.group PROGBITS {{[0-9a-f]+}} {{[0-9a-f]+}} 000090 00 LE
// CHECK: 2 6
// VERIFY: valid MELF binary (2 variants, 2 slots)
