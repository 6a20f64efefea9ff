// view_local globals get their own MELF data section; ordinary globals and
// declarations are untouched.
// RUN: %clang %melf_cflags -fcommon -O2 -c %s -o %t.o
// RUN: llvm-readelf -S -s %t.o | FileCheck %s
// RUN: %clang %melf_cflags -O2 -S -emit-llvm %s -o - | FileCheck %s --check-prefix=IR

__attribute__((view_local)) int counter = 5;
__attribute__((view_local)) int tentative;            // common without MELF
__attribute__((view_local)) static long table[64];
extern __attribute__((view_local)) int elsewhere;      // declaration: no storage here
int plain = 1;
int *use(void) { static int per_view __attribute__((view_local)); per_view += elsewhere; return &table[per_view]; }

// CHECK-DAG: .melf.vldata.counter PROGBITS {{.*}} WA
// CHECK-DAG: .melf.vldata.tentative {{PROGBITS|NOBITS}} {{.*}} WA
// CHECK-DAG: .melf.vldata.table {{PROGBITS|NOBITS}} {{.*}} WA
// CHECK-DAG: .melf.vldata.use.per_view {{PROGBITS|NOBITS}} {{.*}} WA
// CHECK-NOT: .melf.vldata.plain
// CHECK-NOT: .melf.vldata.elsewhere

// IR-DAG: @counter = {{.*}}global i32 5, section ".melf.vldata.counter"
// IR-DAG: @plain = {{.*}}global i32 1, align 4
// IR-DAG: @elsewhere = external {{.*}}global i32, align 4
