// The pass runs at every optimisation level and with LTO (at pipeline start,
// so each clone is optimised with its own settings), and never produces
// invalid attribute combinations.
// RUN: %clang %melf_cflags -O0 -S -emit-llvm %s -o %t.O0.ll
// RUN: FileCheck %s --check-prefixes=ALL < %t.O0.ll
// RUN: opt -passes=verify -disable-output %t.O0.ll
// RUN: not grep optsize %t.O0.ll
// ...and its group entry says optnone (flags 4), not size (8).
// RUN: FileCheck %s --check-prefix=O0FLAGS < %t.O0.ll
// RUN: %clang %melf_cflags -O2 -S -emit-llvm %s -o %t.O2.ll
// RUN: FileCheck %s --check-prefixes=ALL,O2 < %t.O2.ll
// RUN: %clang %melf_cflags -Os -S -emit-llvm %s -o %t.Os.ll
// RUN: FileCheck %s --check-prefixes=ALL,OS < %t.Os.ll
// RUN: opt -passes=verify -disable-output %t.Os.ll
// RUN: %clang %melf_cflags -Oz -S -emit-llvm %s -o %t.Oz.ll
// RUN: opt -passes=verify -disable-output %t.Oz.ll
// RUN: %clang %melf_cflags -O2 -flto -c %s -o %t.lto.bc
// RUN: llvm-dis %t.lto.bc -o - | FileCheck %s --check-prefixes=ALL,LTO
// RUN: %clang %melf_cflags -O2 -flto=thin -c %s -o %t.thin.bc
// RUN: llvm-dis %t.thin.bc -o - | FileCheck %s --check-prefixes=ALL,LTO
// Whole-program LTO with a stock linker keeps the program working.
// RUN: %clang %melf_cflags -O2 -flto -fuse-ld=lld %s -o %t.lto && %t.lto | FileCheck %s --check-prefix=OUT
// RUN: %clang %melf_cflags -O2 -flto=thin -fuse-ld=lld %s -o %t.thin && %t.thin | FileCheck %s --check-prefix=OUT

__attribute__((variant("x86-64-v3", "debug", "size")))
int poly(int x) { return x * x * 3 + x * 2 + 1; }

int printf(const char *, ...);
int main(void) { printf("poly=%d\n", poly(2)); return 0; }
// OUT: poly=17

// ALL-DAG: define internal {{.*}}@poly.melf.x86-64-v3({{.*}} #[[V3:[0-9]+]] section ".melf.text.x86-64-v3.poly"
// ALL-DAG: define internal {{.*}}@poly.melf.debug({{.*}} #[[DBG:[0-9]+]] section
// ALL-DAG: define internal {{.*}}@poly.melf.size({{.*}} #[[SIZE:[0-9]+]] section
// ALL-DAG: define {{.*}}@poly({{.*}} section ".melf.text.default.poly"
// ALL-DAG: attributes #[[DBG]] = {{.*}}optnone
// At -O0 every body is optnone already: the size clone stays so (optsize
// and optnone do not mix; the verifier run above checks the combination).
// O2-DAG: attributes #[[SIZE]] = {{.*}}optsize
// -Os bodies carry optsize; the debug clone must drop it for optnone.
// OS-NOT: attributes #[[DBG]] = {{.*}}optsize
// LTO-DAG: @__melf_group.poly = {{.*}}section ".melf.group"
// O0FLAGS: @__melf_group.poly = {{.*}}{ ptr no_cfi @poly.melf.size, i64 0, i32 0, i32 4, [32 x i8] c"size
