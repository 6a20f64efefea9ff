// Options that split a function into several sections (basic-block
// sections, machine function splitting) are turned off for a translation
// unit with multivariant functions, with one remark; each body stays one
// section and the program links, verifies and runs in every variant.
// RUN: rm -rf %t && mkdir %t
// RUN: %clang %melf_cflags -O2 -fbasic-block-sections=all -c %s -o %t/all.o 2>&1 | FileCheck %s --check-prefix=REMARK-ALL
// RUN: %clang %melf_cflags -O2 -fsplit-machine-functions -c %s -o %t/mfs.o 2>&1 | FileCheck %s --check-prefix=REMARK-MFS
// RUN: llvm-readelf -S %t/all.o | FileCheck %s --check-prefix=SECTIONS
// RUN: %clang %melf_ldflags %t/all.o -o %t/all
// RUN: melf-objdump --verify %t/all
// RUN: %t/all | FileCheck %s --check-prefix=DEFAULT
// RUN: env MELF_VARIANT=debug %t/all | FileCheck %s --check-prefix=DEBUG
// labels only adds an address map: nothing to turn off, no remark.
// RUN: %clang %melf_cflags -O2 -fbasic-block-sections=labels -c %s -o %t/labels.o 2>&1 | count 0
// A file without multivariant functions keeps the option: no remark.
// RUN: %clang %melf_cflags -O2 -fbasic-block-sections=all -DPLAIN -c %s -o %t/plain.o 2>&1 | count 0
// RUN: llvm-readelf -S %t/plain.o | FileCheck %s --check-prefix=PLAIN
// REMARK-ALL: remark: MELF: -fbasic-block-sections=all turned off in this translation unit: each multivariant function must stay in one section
// REMARK-ALL-NOT: remark
// REMARK-MFS: remark: MELF: -fsplit-machine-functions turned off in this translation unit
// SECTIONS-COUNT-1: .melf.text.default.f
// SECTIONS-COUNT-1: .melf.text.debug.f
// PLAIN-COUNT-2: .text.plain
// DEFAULT: default 35
// DEBUG: debug 35
#include <melf.h>
#include <stdio.h>
#ifdef PLAIN
int plain(int x) { if (x > 3) return x * 7; for (int i = 0; i < x; i++) x += i; return x; }
#else
__attribute__((variant("debug")))
int f(int x) { if (x > 3) return x * 7; for (int i = 0; i < x; i++) x += i; return x; }

__attribute__((variant("debug")))
const char *which(void) { return melf_compiled_variant(); }

int main(void) {
  int (*volatile p)(int) = f;
  printf("%s %d\n", which(), p(5));
  return 0;
}
#endif
