// C++: templates, inline and member functions, lambdas, the [[melf::...]]
// spelling; clones of inline functions join the function's comdat.
// RUN: %clangxx %melf_cflags -fplugin-arg-melf-variants=debug -std=c++17 -O2 -S -emit-llvm %s -o %t.ll
// RUN: FileCheck %s < %t.ll
// RUN: opt -passes=verify -disable-output %t.ll
// RUN: %clangxx %melf_cflags -fplugin-arg-melf-variants=debug -std=c++17 -O2 -c %s -o %t.o
// RUN: llvm-readelf -g %t.o | FileCheck %s --check-prefix=COMDAT

template <typename T> [[melf::variant("x86-64-v3")]] T sum(const T *p, int n) {
  T s = 0;
  for (int i = 0; i < n; ++i) s += p[i];
  return s;
}

struct Widget {
  [[melf::variant]] int method(int x) const;
  __attribute__((variant("size"))) int inline_method(int x) { return x * v; }
  int v = 3;
};
int Widget::method(int x) const { return x + v; }

inline __attribute__((variant("debug"))) int inline_fn(int x) { return x * 7; }

int use(const float *f, const int *i, int n) {
  Widget w;
  auto lambda = [](int x) __attribute__((variant("debug"))) { return x - 1; };
  return (int)sum(f, n) + sum(i, n) + w.method(n) + w.inline_method(n) +
         inline_fn(n) + lambda(n);
}

// CHECK-DAG: define linkonce_odr {{.*}} @_Z3sumIfET_PKS0_i({{.*}} section ".melf.text.default._Z3sumIfET_PKS0_i" comdat {
// CHECK-DAG: define internal {{.*}} @_Z3sumIfET_PKS0_i.melf.x86-64-v3({{.*}} section ".melf.text.x86-64-v3._Z3sumIfET_PKS0_i" comdat($_Z3sumIfET_PKS0_i)
// CHECK-DAG: define internal {{.*}} @_Z3sumIiET_PKS0_i.melf.x86-64-v3(
// CHECK-DAG: define {{.*}} @_ZNK6Widget6methodEi({{.*}} section ".melf.text.default._ZNK6Widget6methodEi"
// CHECK-DAG: define internal {{.*}} @_ZNK6Widget6methodEi.melf.debug(
// CHECK-DAG: define internal {{.*}} @_ZN6Widget13inline_methodEi.melf.size({{.*}} comdat($_ZN6Widget13inline_methodEi)
// CHECK-DAG: define internal {{.*}} @_Z9inline_fni.melf.debug({{.*}} comdat($_Z9inline_fni)
// CHECK-DAG: define internal {{.*}} @"_ZZ3usePKfPKiiENK3$_0clEi.melf.debug"(
// CHECK-DAG: @__melf_group._Z3sumIfET_PKS0_i = private constant {{.*}} section ".melf.group", no_sanitize_address, no_sanitize_hwaddress, comdat($_Z3sumIfET_PKS0_i), align 8, !associated
// The call sites still call the default bodies (never inlined).
// CHECK-DAG: call {{.*}} @_Z3sumIfET_PKS0_i(
// CHECK-DAG: call {{.*}} @_Z9inline_fni(

// COMDAT: COMDAT group section [{{.*}}] `.group' [_Z3sumIfET_PKS0_i]
// COMDAT-NEXT: [Index] Name
// COMDAT-NEXT: .melf.text.default._Z3sumIfET_PKS0_i
// COMDAT-DAG: .melf.text.x86-64-v3._Z3sumIfET_PKS0_i
// COMDAT-DAG: .melf.group
