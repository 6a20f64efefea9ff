// ld.melf lays out the MELF area: one slot per multivariant function at the
// same address in every image, a PT_MELF_IMAGE per non-default image, the
// run-time metadata behind PT_MELF_META. The binary runs its default code.
// RUN: %clang %melf_cflags -O2 -c %s -o %t.o
// RUN: %clang %melf_ldflags %t.o -o %t
// RUN: %t | FileCheck %s --check-prefix=OUT
// RUN: llvm-readelf -lS %t | FileCheck %s --check-prefix=HDR
// RUN: llvm-nm -n %t | FileCheck %s --check-prefix=SYM
// RUN: llvm-nm -nS %t | FileCheck %s --check-prefix=SIZE
// RUN: llvm-objdump -d --no-show-raw-insn -j .melf.image.x86-64-v3 %t | FileCheck %s --check-prefix=V3
// RUN: llvm-objdump -d --no-show-raw-insn -j .melf.text %t | FileCheck %s --check-prefix=DEF
// RUN: llvm-objdump -s -j .melf.meta %t | FileCheck %s --check-prefix=META
// RUN: %python %S/Inputs/check-images.py %t | FileCheck %s --check-prefix=IMAGES
#include <melf.h>
#include <stdio.h>

__attribute__((variant("x86-64-v3", "debug")))
int sum(const int *p, int n) {
  int s = 0;
  for (int i = 0; i < n; i++) s += p[i] * 3;
  return s;
}

__attribute__((variant("debug")))
const char *which(void) { return melf_compiled_variant(); }

int main(void) {
  int v[64];
  for (int i = 0; i < 64; i++) v[i] = i;
  printf("%s %d\n", which(), sum(v, 64));
  return 0;
}

// OUT: default 6048

// Each image: its text part, then its rodata part (a copy of .eh_frame,
// which is page-aligned and whole pages).
// HDR: .eh_frame PROGBITS {{[0-9a-f]+}}000 {{[0-9a-f]+}}000 001000 00 A 0 0 4096
// HDR: .melf.text PROGBITS [[TEXT:[0-9a-f]+]] [[TOFF:[0-9a-f]+]] 001000 00 AX 0 0 4096
// HDR-DAG: .melf.image.x86-64-v3 PROGBITS [[TEXT]] {{[0-9a-f]+}} 002000 00 X 0 0 4096
// HDR-DAG: .melf.image.debug PROGBITS [[TEXT]] {{[0-9a-f]+}} 002000 00 X 0 0 4096
// HDR: Program Headers:
// HDR-COUNT-2: <unknown>: 0x6d454c01 0x{{[0-9a-f]+}} 0x{{0*}}[[TEXT]] 0x{{0*}}[[TEXT]] 0x002000 0x002000 R E 0x1000
// HDR-NEXT: <unknown>: 0x6d454c02 {{.*}} R 0x8

// Every clone symbol sits at its function's address.
// SYM: [[SUM:[0-9a-f]+]] T sum
// SYM-DAG: [[SUM]] t sum.melf.debug
// SYM-DAG: [[SUM]] t sum.melf.x86-64-v3
// SYM-DAG: [[WHICH:[0-9a-f]+]] T which
// SYM-DAG: [[WHICH]] t which.melf.debug

// Every body's symbol has the slot's size (symbolizers name the function
// for any address in the slot).
// SIZE: [[SUM:[0-9a-f]+]] [[SLOT:[0-9a-f]+]] T sum
// SIZE-DAG: [[SUM]] [[SLOT]] t sum.melf.debug
// SIZE-DAG: [[SUM]] [[SLOT]] t sum.melf.x86-64-v3

// V3: <sum.melf.x86-64-v3>:
// V3: ymm
// DEF: <sum>:
// DEF-NOT: ymm
// DEF: hlt
// DEF: <which>:

// META: Contents of section .melf.meta:
// META-NEXT: 4d454c46 02006800 00100000 3e000000  MELF..h.....>...
// META-NEXT: 03000000 48000000 02000000 20000000  ....H....... ...

// IMAGES: slot sum +0x0 size {{[0-9]+}} own: x86-64-v3 debug
// IMAGES-NEXT: slot which +0x{{[0-9a-f]+}} size {{[0-9]+}} own: debug
// IMAGES-NEXT: images ok
