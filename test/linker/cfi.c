// Control-flow integrity (-fsanitize=cfi-icall, LTO): the jump table stays
// outside the MELF area and its entry for `pick` jumps to the slot, so an
// indirect call through CFI runs the thread's variant; a call through a
// pointer of the wrong type is still stopped (ud2: SIGILL). Full LTO with
// canonical (default) and non-canonical jump tables; ThinLTO with CFI is
// refused at compile time, naming the function.
// RUN: rm -rf %t && mkdir %t
// RUN: %clang %melf_cflags -O2 -flto -fvisibility=hidden -fsanitize=cfi-icall %s %melf_ldflags -o %t/full
// RUN: not %clang %melf_cflags -O2 -flto=thin -fvisibility=hidden -fsanitize=cfi-icall -c %s -o %t/thin.o 2>&1 | FileCheck %s --check-prefix=THIN
// RUN: %clang %melf_cflags -O2 -flto -fvisibility=hidden -fsanitize=cfi-icall -fno-sanitize-cfi-canonical-jump-tables %s %melf_ldflags -o %t/nc
// With a function list, the error cannot name the functions yet: it names the options.
// RUN: not %clang %melf_cflags -fplugin-arg-melf-variants=debug -fplugin-arg-melf-functions=pick -O2 -flto=thin -fvisibility=hidden -fsanitize=cfi-icall -DNO_ATTRIBUTE -c %s -o %t/thinlist.o 2>&1 | FileCheck %s --check-prefix=THINLIST
// RUN: melf-objdump --verify %t/full
// RUN: melf-objdump --verify %t/nc
// RUN: %t/full | FileCheck %s --check-prefix=DEFAULT
// RUN: env MELF_VARIANT=debug %t/full | FileCheck %s --check-prefix=DEBUG
// RUN: env MELF_VARIANT=size %t/full | FileCheck %s --check-prefix=SIZE
// RUN: env MELF_VARIANT=debug %t/nc | FileCheck %s --check-prefix=DEBUG
// RUN: %t/full switch | FileCheck %s --check-prefix=SWITCH
// RUN: not --crash %t/full bad
// RUN: not --crash env MELF_VARIANT=debug %t/full bad
// RUN: not --crash env MELF_VARIANT=debug %t/nc bad
// DEFAULT: direct default, indirect default
// DEBUG: direct debug, indirect debug
// SIZE: direct size, indirect size
// SWITCH: after switch: direct debug, indirect debug
// THINLIST: error: MELF: a function list or whole-file variants cannot be compiled with -fsanitize=cfi-* and -flto=thin; use -flto (full LTO) for CFI
// THIN: cfi.c:[[@LINE+8]]:13: error: MELF: multivariant function 'pick' cannot be compiled with -fsanitize=cfi-* and -flto=thin
#include <melf.h>
#include <stdio.h>
#include <string.h>

#ifndef NO_ATTRIBUTE
__attribute__((variant("debug", "size")))
#endif
const char *pick(int x) { return x ? melf_compiled_variant() : "none"; }

typedef const char *(*picker)(int);
typedef long (*wrong)(long, long);

int main(int argc, char **argv) {
  picker volatile p = pick;
  if (argc > 1 && !strcmp(argv[1], "bad")) {
    wrong volatile w = (wrong)(void *)p;
    printf("not stopped: %ld\n", w(1, 2));
    return 0;
  }
  if (argc > 1 && !strcmp(argv[1], "switch")) {
    if (melf_switch_process(melf_variant_find("debug")))
      return 1;
    printf("after switch: ");
  }
  printf("direct %s, indirect %s\n", pick(1), p(1));
  return 0;
}
