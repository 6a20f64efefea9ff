// Every spelling of the attributes reaches the pass.
// RUN: %clang %melf_cflags -fplugin-arg-melf-variants=debug -std=c23 -O1 -S -emit-llvm %s -o - | FileCheck %s
// RUN: %clang %melf_cflags -fplugin-arg-melf-variants=debug -std=gnu11 -DNO_C23 -O1 -S -emit-llvm %s -o - | FileCheck %s --check-prefix=GNU

__attribute__((variant)) int gnu_bare(int x) { return x + 1; }
__attribute__((variant("size"))) int gnu_named(int x) { return x + 2; }
#ifndef NO_C23
[[melf::variant("x86-64-v2")]] int c23_scoped(int x) { return x + 3; }
[[melf::variant]] int c23_scoped_bare(int x) { return x + 4; }
[[variant("asan")]] int c23_unscoped(int x) { return x + 5; }
[[melf::view_local]] int c23_vl;
#endif
__attribute__((view_local)) int gnu_vl;

// CHECK-DAG: define internal {{.*}}i32 @gnu_bare.melf.debug(
// CHECK-DAG: define internal {{.*}}i32 @gnu_named.melf.size(
// CHECK-DAG: define internal {{.*}}i32 @c23_scoped.melf.x86-64-v2(
// CHECK-DAG: define internal {{.*}}i32 @c23_scoped_bare.melf.debug(
// CHECK-DAG: define internal {{.*}}i32 @c23_unscoped.melf.asan(
// CHECK-DAG: @c23_vl = {{.*}} section ".melf.vldata.c23_vl"
// CHECK-DAG: @gnu_vl = {{.*}} section ".melf.vldata.gnu_vl"
// CHECK-NOT: llvm.global.annotations

// GNU-DAG: define internal {{.*}}i32 @gnu_bare.melf.debug(
// GNU-DAG: define internal {{.*}}i32 @gnu_named.melf.size(
// GNU-DAG: @gnu_vl = {{.*}} section ".melf.vldata.gnu_vl"
