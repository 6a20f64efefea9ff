// Each clone is compiled with its variant's settings; the default is not.
// RUN: %clang %melf_cflags -O2 -c %s -o %t.o
// RUN: llvm-objdump -dr --no-show-raw-insn -j .melf.text.default.axpy %t.o | FileCheck %s --check-prefix=DEF
// RUN: llvm-objdump -d --no-show-raw-insn -j .melf.text.x86-64-v3.axpy %t.o | FileCheck %s --check-prefix=V3
// RUN: llvm-objdump -dr --no-show-raw-insn -j .melf.text.asan.axpy %t.o | FileCheck %s --check-prefix=ASAN
// RUN: llvm-objdump -d --no-show-raw-insn -j .melf.text.debug.axpy %t.o | FileCheck %s --check-prefix=DEBUG
// RUN: llvm-objdump -d --no-show-raw-insn -j .melf.text.size.axpy %t.o | FileCheck %s --check-prefix=SIZE
// RUN: %clang %melf_cflags -O2 -S -emit-llvm %s -o - | FileCheck %s --check-prefix=IR

__attribute__((variant("x86-64-v3", "asan", "debug", "size")))
void axpy(float *restrict y, const float *restrict x, float a, int n) {
  for (int i = 0; i < n; i++)
    y[i] += a * x[i];
}

// DEF-LABEL: <axpy>:
// DEF-NOT: ymm
// DEF-NOT: __asan
// DEF: mulps {{.*}}xmm
// DEF-NOT: ymm

// V3-LABEL: <axpy.melf.x86-64-v3>:
// V3: vfmadd{{.*}}ymm

// ASAN-LABEL: <axpy.melf.asan>:
// ASAN: __asan_report

// The debug clone keeps its locals on the stack and does not vectorise.
// DEBUG-LABEL: <axpy.melf.debug>:
// DEBUG: pushq %rbp
// DEBUG: movq %rdi, -0x{{[0-9a-f]+}}(%rbp)
// DEBUG-NOT: mulps

// SIZE-LABEL: <axpy.melf.size>:
// SIZE-NOT: ymm

// IR: define dso_local void @axpy({{.*}}) [[DEFATTR:#[0-9]+]] section ".melf.text.default.axpy"
// IR: define internal void @axpy.melf.x86-64-v3({{.*}}) [[V3ATTR:#[0-9]+]] section ".melf.text.x86-64-v3.axpy" !associated
// IR: define internal void @axpy.melf.asan({{.*}}) [[ASANATTR:#[0-9]+]] section
// IR: define internal void @axpy.melf.debug({{.*}}) [[DBGATTR:#[0-9]+]] section
// IR: define internal void @axpy.melf.size({{.*}}) [[SIZEATTR:#[0-9]+]] section
// IR: define ptr @__asan_default_options() {{.*}}comdat
// IR: attributes [[DEFATTR]] = { nobuiltin noduplicate noinline {{.*}}"target-cpu"="x86-64"
// IR: attributes [[V3ATTR]] = { {{.*}}noinline {{.*}}"target-cpu"="x86-64-v3"
// IR: attributes [[ASANATTR]] = { {{.*}}noinline {{.*}}sanitize_address
// IR: attributes [[DBGATTR]] = { {{.*}}noinline {{.*}}optnone
// IR: attributes [[SIZEATTR]] = { {{.*}}noinline {{.*}}optsize
