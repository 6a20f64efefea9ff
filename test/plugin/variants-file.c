// User-defined variants and the function list from a variants file: no
// source edits needed.
// RUN: %clang %melf_cflags -fplugin-arg-melf-variants-file=%S/Inputs/good.variants -O2 -S -emit-llvm %s -o - | FileCheck %s
// RUN: %clangxx %melf_cflags -fplugin-arg-melf-variants-file=%S/Inputs/good.variants -x c++ -O2 -S -emit-llvm %s -o - | FileCheck %s --check-prefix=CXX
// The plugin-argument forms do the same.
// RUN: %clang %melf_cflags -fplugin-arg-melf-define=fast:cpu=haswell -fplugin-arg-melf-define=vec:features=+avx2 -fplugin-arg-melf-variants=fast,debug -fplugin-arg-melf-functions=hot_* -O2 -S -emit-llvm %s -o - | FileCheck %s --check-prefix=ARGS

#ifdef __cplusplus
namespace ns { int cold(int x) { return x / 3; } }
extern "C" {
#endif
int hot_loop(int x) { return x * 5; }
int lukewarm(int x) { return x + 1; }
__attribute__((variant("vec"))) int explicit_vec(int x) { return x - 1; }
#ifdef __cplusplus
}
#endif

// The group record names the variant (and carries its ISA bits).
// CHECK: @__melf_group.hot_loop = {{.*}} c"fast\00
// CHECK-DAG: define internal {{.*}}@hot_loop.melf.fast({{.*}} #[[FAST:[0-9]+]] section ".melf.text.fast.hot_loop"
// CHECK-DAG: define internal {{.*}}@hot_loop.melf.tiny({{.*}} #[[TINY:[0-9]+]] section
// CHECK-DAG: define internal {{.*}}@explicit_vec.melf.vec({{.*}} #[[VEC:[0-9]+]] section
// CHECK-NOT: @lukewarm.melf
// CHECK-DAG: attributes #[[FAST]] = {{.*}}"target-cpu"="haswell"
// CHECK-DAG: attributes #[[TINY]] = {{.*}}minsize{{.*}}optsize
// CHECK-DAG: attributes #[[VEC]] = {{.*}}"target-features"="{{.*}},+avx2,+fma"

// CXX-DAG: define internal {{.*}}@_ZN2ns4coldEi.melf.fast(
// CXX-DAG: define internal {{.*}}@hot_loop.melf.tiny(

// ARGS-DAG: define internal {{.*}}@hot_loop.melf.fast(
// ARGS-DAG: define internal {{.*}}@hot_loop.melf.debug(
// ARGS-NOT: @lukewarm.melf
