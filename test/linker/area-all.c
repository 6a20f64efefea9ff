// The whole-text area (docs/melf-abi.md, "Whole-text area"): with
// --melf-area=all every .text section is a plain slot (one body, the
// default, named after the symbol at its start), so a reduced variant
// covers all of the program's code; libmelf's own code stays outside.
// --melf-area-object limits the area to the matching input files.
// RUN: rm -rf %t && mkdir %t && cd %t
// RUN: %clang %melf_cflags -O2 -ffunction-sections -c %s -o a.o
// RUN: %clang -O2 -DOTHER -c %s -o b.o
// RUN: printf 'main\n!plain_unused\n' > main.list
// RUN: %clang %melf_ldflags a.o b.o -o all -Wl,--melf-area=all -Wl,--melf-reduce=mainonly:main.list
// RUN: melf-objdump -s all | FileCheck %s --check-prefix=SLOTS
// RUN: melf-objdump --verify all
// Symbols of plain slots keep their sizes; multivariant ones cover the slot.
// RUN: llvm-readelf -s all | FileCheck %s --check-prefix=SYMS
// RUN: ./all 2>&1 | FileCheck %s --check-prefix=OUT
// RUN: env MELF_VARIANT=debug ./all 2>&1 | FileCheck %s --check-prefix=OUT
// RUN: ./all mainonly 2>&1 | FileCheck %s --check-prefix=OUT
// RUN: not --crash ./all mainonly unused 2>&1 | FileCheck %s --check-prefix=TRAP
// Only b.o's text joins the area.
// RUN: %clang %melf_ldflags a.o b.o -o some -Wl,--melf-area-object=b.o
// RUN: melf-objdump -s some | FileCheck %s --check-prefix=SOME
// RUN: melf-objdump --verify some
// RUN: ./some 2>&1 | FileCheck %s --check-prefix=OUT

#ifdef OTHER
// Without -ffunction-sections: one plain slot for both functions.
int plain_other(int x) { return x * 3; }
int plain_two(int x) { return x * 5; }
#else
#include <melf.h>
#include <stdio.h>

int plain_other(int x);
__attribute__((noinline)) int plain_leaf(int x) { return x + 2; }
__attribute__((noinline)) int plain_unused(int x) { return x - 100; }
__attribute__((variant("debug"))) int marked(int x) {
  return plain_leaf(x) + plain_other(x);
}
int (*volatile hook)(int) = plain_unused;

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc > 1)
    melf_switch_process(melf_variant_find(argv[1]));
  printf("marked(1) = %d\n", marked(1));
  if (argc > 2)
    printf("hook(1) = %d\n", hook(1));
  // The C library's tear-down (crtbegin.o's destructors, in the area) is
  // not in 'mainonly': back to the full code before returning.
  melf_switch_process(0);
  return 0;
}
#endif

// SLOTS-NOT: melf_
// SLOTS: marked
// SLOTS-NEXT: default
// SLOTS-NEXT: debug
// SLOTS-NEXT: mainonly                 default bytes (no own body)
// SLOTS: _start
// SLOTS-NEXT: default
// SLOTS-NEXT: debug                    default bytes (no own body)
// SLOTS-NEXT: mainonly                 removed (trap bytes)
// SLOTS: plain_leaf
// SLOTS-NEXT: default
// SLOTS-NEXT: debug                    default bytes (no own body)
// SLOTS-NEXT: mainonly                 default bytes (no own body)
// SLOTS: plain_unused
// SLOTS-NEXT: default
// SLOTS-NEXT: debug
// SLOTS-NEXT: mainonly                 removed (trap bytes)
// SLOTS: main
// SLOTS-NEXT: default
// SLOTS-NEXT: debug
// SLOTS-NEXT: mainonly                 default bytes (no own body)
// SLOTS: plain_other
// SLOTS-NEXT: default
// SLOTS-NEXT: debug
// SLOTS-NEXT: mainonly                 default bytes (no own body)
// SLOTS-NOT: melf_

// SYMS-DAG: {{ }}4 FUNC {{.*}} plain_other{{$}}
// SYMS-DAG: {{ }}4 FUNC {{.*}} plain_two{{$}}
// SYMS-DAG: {{ }}38 FUNC {{.*}} marked{{$}}

// OUT: marked(1) = 6
// TRAP: marked(1) = 6
// TRAP-NEXT: melf: thread {{[0-9]+}} called 'plain_unused', which is not in its variant 'mainonly'

// SOME-NOT: main
// SOME: marked
// SOME-NOT: main
// SOME: plain_other
// SOME-NOT: main
