// One section per body, SHF_LINK_ORDER from each clone to its default, and
// one .melf.group record per function, resolved through relocations only.
// RUN: %clang %melf_cflags -O2 -c %s -o %t.o
// RUN: llvm-readelf -S %t.o | FileCheck %s --check-prefix=SEC
// RUN: llvm-readelf -r %t.o | FileCheck %s --check-prefix=REL
// RUN: llvm-objdump -s -j .melf.group %t.o | FileCheck %s --check-prefix=HEX
// RUN: llvm-readelf -s %t.o | FileCheck %s --check-prefix=SYM

__attribute__((variant("x86-64-v3", "debug", "asan")))
int work(int *p, int n) {
  int s = 0;
  for (int i = 0; i < n; i++) s += p[i];
  return s;
}

// SEC: [ [[DEF:[0-9]+]]] .melf.text.default.work PROGBITS {{.*}} AX  0 0 16
// SEC: .melf.text.x86-64-v3.work PROGBITS {{.*}} AXL [[DEF]] 0 16
// SEC: .melf.text.debug.work PROGBITS {{.*}} AXL [[DEF]] 0 16
// SEC: .melf.text.asan.work PROGBITS {{.*}} AXL [[DEF]] 0 16
// SEC: .melf.group PROGBITS {{0+}} {{[0-9a-f]+}} 000110 00 LE [[DEF]] 0 8
// SEC-NOT: .text.work

// REL-LABEL: Relocation section '.rela.melf.group'
// REL-NEXT: Offset
// REL-NEXT: 0000000000000010 {{.*}} R_X86_64_64 {{.*}} work + 0
// REL-NEXT: 0000000000000050 {{.*}} R_X86_64_64 {{.*}} .melf.text.x86-64-v3.work + 0
// REL-NEXT: 0000000000000090 {{.*}} R_X86_64_64 {{.*}} .melf.text.debug.work + 0
// REL-NEXT: 00000000000000d0 {{.*}} R_X86_64_64 {{.*}} .melf.text.asan.work + 0

// Header: magic "MEFG", version 1, header 16 bytes, 4 entries of 64 bytes.
// Entry 0: default (flags 1); entry 1: x86-64-v3 (ISA 0xffff, arch 62).
// HEX: 0000 4d454647 01001000 04000000 40000000  MEFG
// HEX-NEXT: 0010 00000000 00000000 00000000 00000000
// HEX-NEXT: 0020 00000000 01000000 64656661 756c7400  ........default.
// HEX: 0050 00000000 00000000 ffff0000 00000000
// HEX-NEXT: 0060 3e000000 00000000 7838362d 36342d76  >.......x86-64-v
// HEX: 00a0 00000000 04000000 64656275 67000000  ........debug...
// HEX: 00e0 00000000 02000000 6173616e 00000000  ........asan....

// SYM-DAG: FUNC LOCAL DEFAULT {{[0-9]+}} work.melf.x86-64-v3
// SYM-DAG: FUNC LOCAL DEFAULT {{[0-9]+}} work.melf.debug
// SYM-DAG: FUNC LOCAL DEFAULT {{[0-9]+}} work.melf.asan
// SYM-DAG: FUNC GLOBAL DEFAULT {{[0-9]+}} work
