// The function list marks functions without source edits: names, globs,
// C++ names demangled with or without their parameter list.
// RUN: %clang %melf_cflags -fplugin-arg-melf-variants=debug -fplugin-arg-melf-functions='hot*,exact' -O2 -S -emit-llvm %s -o - | FileCheck %s
// RUN: %clangxx %melf_cflags -fplugin-arg-melf-variants=size -fplugin-arg-melf-functions='geo::area,geo::peri*' -x c++ -O2 -S -emit-llvm %s -o - | FileCheck %s --check-prefix=CXX
// A function that is both listed and attributed gets the union.
// RUN: %clang %melf_cflags -fplugin-arg-melf-variants=debug -fplugin-arg-melf-functions=both -O2 -S -emit-llvm %s -o - | FileCheck %s --check-prefix=UNION

#ifdef __cplusplus
namespace geo {
double area(double r) { return 3.14 * r * r; }
double area(double w, double h) { return w * h; }
double perimeter(double r) { return 6.28 * r; }
double volume(double r) { return r * r * r; }
}
#else
int hot_a(int x) { return x + 1; }
static int hot_static(int x) { return x * 3; }
int exact(int x) { return x - 2; }
int exactly(int x) { return x - 3; }
int cold(int x) { return hot_static(x); }
__attribute__((variant("size"))) int both(int x) { return x ^ 5; }
#endif

// CHECK-DAG: define internal {{.*}}@hot_a.melf.debug(
// CHECK-DAG: define internal {{.*}}@hot_static.melf.debug(
// CHECK-DAG: define internal {{.*}}@exact.melf.debug(
// CHECK-NOT: @exactly.melf
// CHECK-NOT: @cold.melf

// CXX-DAG: define internal {{.*}}@_ZN3geo4areaEd.melf.size(
// CXX-DAG: define internal {{.*}}@_ZN3geo4areaEdd.melf.size(
// CXX-DAG: define internal {{.*}}@_ZN3geo9perimeterEd.melf.size(
// CXX-NOT: @_ZN3geo6volumeEd.melf

// UNION-DAG: define internal {{.*}}@both.melf.size(
// UNION-DAG: define internal {{.*}}@both.melf.debug(
