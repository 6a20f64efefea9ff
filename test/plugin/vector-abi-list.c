// Functions marked by a function list get the vector calling-convention
// check too (the plugin checks attribute marks at the source): a variant
// that enables AVX may not clone a function passing 256-bit vectors when the
// compile has no AVX; with -mavx2 (or by pointer) it is fine.
// RUN: not %clang %melf_cflags -fplugin-arg-melf-variants=x86-64-v3 -fplugin-arg-melf-functions=hot_vector -O2 -c %s -o /dev/null 2>&1 | FileCheck %s
// RUN: %clang %melf_cflags -fplugin-arg-melf-variants=x86-64-v3 -fplugin-arg-melf-functions=hot_vector -mavx2 -O2 -c %s -o %t.o
// RUN: llvm-readelf -S %t.o | FileCheck %s --check-prefix=AVX
// RUN: %clang %melf_cflags -fplugin-arg-melf-variants=x86-64-v3 -fplugin-arg-melf-functions=by_pointer -O2 -c %s -o %t.p.o
// RUN: llvm-readelf -S %t.p.o | FileCheck %s --check-prefix=PTR
// CHECK: vector-abi-list.c:[[@LINE+5]]:6: error: MELF: variant 'x86-64-v3' would pass the 256-bit vectors of 'hot_vector' differently from the default body (its ABI depends on AVX); pass them by pointer or drop the variant
// AVX: .melf.text.x86-64-v3.hot_vector
// PTR: .melf.text.x86-64-v3.by_pointer
typedef float v8sf __attribute__((vector_size(32)));

v8sf hot_vector(v8sf a, v8sf b) { return a + b; }
void by_pointer(v8sf *r, const v8sf *a) { *r = *a + *a; }
