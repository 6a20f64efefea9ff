// ld.melf with what users use: PIE and non-PIE, static, --gc-sections,
// --icf=all, --build-id, -flto, ld -r. Every mode runs the default code and
// keeps every clone at its function's address.
// RUN: %clang %melf_cflags -O2 -ffunction-sections -c %s -o %t.o
// RUN: %clang %melf_ldflags -pie %t.o -o %t.pie && %t.pie | FileCheck %s
// RUN: %clang %melf_ldflags -no-pie %t.o -o %t.nopie && %t.nopie | FileCheck %s
// RUN: %clang %melf_ldflags -static %t.o -o %t.static && %t.static | FileCheck %s
// RUN: llvm-readelf -l %t.static | FileCheck %s --check-prefix=PHDR
// RUN: %clang %melf_ldflags -Wl,--gc-sections %t.o -o %t.gc && %t.gc | FileCheck %s
// RUN: llvm-nm %t.gc | FileCheck %s --check-prefix=GC
// RUN: %clang %melf_ldflags -Wl,--icf=all %t.o -o %t.icf && %t.icf | FileCheck %s
// RUN: llvm-nm -n %t.icf | FileCheck %s --check-prefix=ICF
// RUN: %clang %melf_ldflags -Wl,--build-id %t.o -o %t.bid && %t.bid | FileCheck %s
// RUN: llvm-readelf -n %t.bid | FileCheck %s --check-prefix=BUILDID
// RUN: %clang %melf_cflags -O2 -flto -c %s -o %t.lto.o
// RUN: %clang %melf_ldflags -flto %t.lto.o -o %t.lto && %t.lto | FileCheck %s
// RUN: llvm-readelf -l %t.lto | FileCheck %s --check-prefix=PHDR
// Under LTO the multivariant symbol stays global (visible to regular objects).
// RUN: llvm-nm %t.lto | FileCheck %s --check-prefix=LTOSYM
// RUN: %clang %melf_cflags -O2 -flto=thin -c %s -o %t.thin.o
// RUN: %clang %melf_ldflags -flto=thin %t.thin.o -o %t.thin && %t.thin | FileCheck %s
// RUN: llvm-nm %t.thin | FileCheck %s --check-prefix=LTOSYM
// RUN: %ld_melf -r %t.o -o %t.r.o
// RUN: llvm-readelf -S %t.r.o | FileCheck %s --check-prefix=RELOC
// RUN: %clang %melf_ldflags %t.r.o -o %t.r && %t.r | FileCheck %s
// RUN: llvm-readelf -l %t.r | FileCheck %s --check-prefix=PHDR
#include <stdio.h>

__attribute__((variant("debug", "x86-64-v2")))
int used(int x) { return x * 5; }

// Identical to `twin` below: ICF must not fold the default body away.
__attribute__((variant("debug")))
int same(int x) { return x + 1; }
int twin(int x) { return x + 1; }

__attribute__((variant("debug")))
int unused(int x) { return x - 7; }

int main(int argc, char **argv) {
  (void)argv;
  printf("used=%d same=%d twin=%d\n", used(argc), same(argc), twin(argc));
  return 0;
}

// CHECK: used=5 same=2 twin=2

// PHDR-COUNT-2: <unknown>: 0x6d454c01
// PHDR-NEXT: <unknown>: 0x6d454c02

// GC: T used
// GC: t used.melf.debug
// GC-NOT: unused

// ICF: [[SAME:[0-9a-f]+]] T same
// ICF-NEXT: [[SAME]] t same.melf.debug
// ICF-NOT: [[SAME]] T twin

// BUILDID: Build ID:

// LTOSYM: T used
// LTOSYM: t used.melf.debug

// ld -r keeps every body and record in its own section.
// RELOC-DAG: .melf.text.default.used
// RELOC-DAG: .melf.text.debug.used
// RELOC-DAG: .melf.group
