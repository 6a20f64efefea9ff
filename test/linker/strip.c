// Images survive the usual post-link tools: each keeps its section header
// and file range, so melf-objdump --verify passes and the program runs.
// RUN: %clang %melf_cflags -g -O2 -c %s -o %t.o
// RUN: %clang %melf_ldflags %t.o -o %t
// RUN: cp %t %t.gnustrip && strip %t.gnustrip
// RUN: melf-objdump --verify %t.gnustrip | FileCheck %s
// RUN: %t.gnustrip | FileCheck %s --check-prefix=OUT
// RUN: cp %t %t.stripdebug && objcopy --strip-debug %t.stripdebug
// RUN: melf-objdump --verify %t.stripdebug | FileCheck %s
// RUN: llvm-strip %t -o %t.llvmstrip
// RUN: melf-objdump --verify %t.llvmstrip | FileCheck %s
// RUN: llvm-objcopy --strip-debug %t %t.llvmstripdebug
// RUN: melf-objdump --verify %t.llvmstripdebug | FileCheck %s
// RUN: %t.llvmstrip | FileCheck %s --check-prefix=OUT
#include <stdio.h>
__attribute__((variant("debug", "size"))) int twice(int x) { return 2 * x; }
int main(void) { printf("%d\n", twice(21)); return 0; }
// CHECK: valid MELF binary (3 variants, 1 slots)
// OUT: 42
