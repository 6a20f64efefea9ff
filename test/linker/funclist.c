// A function list tells what it did: ld.melf warns about every entry that
// matched no function anywhere in the program (naming the objects that
// listed it), not about entries another object matched; a full signature
// with a comma is one entry. -Wl,--fatal-warnings makes it an error.
// RUN: rm -rf %t && mkdir %t
// RUN: %clang %melf_cflags -fplugin-arg-melf-variants=debug '-fplugin-arg-melf-functions=hot_*,cold_path,hto_typo' -O2 -c %s -o %t/a.o
// RUN: %clang %melf_cflags -fplugin-arg-melf-variants=debug '-fplugin-arg-melf-functions=cold_path,hto_typo' -DSECOND -O2 -c %s -o %t/b.o
// RUN: %clang %melf_ldflags %t/a.o %t/b.o -o %t/app 2>&1 | FileCheck %s
// RUN: melf-objdump --slots %t/app | FileCheck %s --check-prefix=SLOTS
// RUN: not %clang %melf_ldflags -Wl,--fatal-warnings %t/a.o %t/b.o -o %t/app2 2>&1 | FileCheck %s --check-prefix=FATAL
// The record is not in the output.
// RUN: llvm-readelf -S %t/app | FileCheck %s --check-prefix=NOSECTION
// CHECK-NOT: 'hot_*'
// CHECK-NOT: 'cold_path'
// CHECK: warning: MELF function list entry 'hto_typo' matched no function in the program (listed in the compile of {{.*}}a.o, {{.*}}b.o)
// CHECK-NOT: MELF function list entry
// SLOTS-DAG: hot_loop
// SLOTS-DAG: cold_path
// FATAL: error: MELF function list entry 'hto_typo' matched no function
// NOSECTION-NOT: .melf.funclist
#include <stdio.h>
#ifdef SECOND
int cold_path(int x) { return x - 1; }
#else
int cold_path(int x);
int hot_loop(int x) { return x * 3; }
int main(void) { printf("%d\n", hot_loop(2) + cold_path(3)); return 0; }
#endif
