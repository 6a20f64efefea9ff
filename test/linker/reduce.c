// Reduced variants (docs/melf-abi.md, "Reduced variants"): --melf-reduce
// keeps what the allow-list's entry points reach, by calls and, per
// --melf-reduce-indirect, through taken addresses; every other slot of its
// image is trap bytes. The variant is selected by name like any other;
// calling a removed function stops with libmelf's message.
// RUN: rm -rf %t && mkdir %t && cd %t
// RUN: %clang %melf_cflags -O2 -c %s -o t.o
// RUN: printf '# the worker thread\n\n  worker  \n' > worker.list
// RUN: %clang %melf_ldflags t.o -o all -Wl,--melf-reduce=work:worker.list
// RUN: melf-objdump -vs all | FileCheck %s --check-prefixes=VARS,ALL
// RUN: melf-objdump --verify all
// --verify checks that removed slots are all trap bytes.
// RUN: %python %S/Inputs/break-removed.py melf-objdump all broken work
// RUN: not melf-objdump --verify broken 2>&1 | FileCheck %s --check-prefix=BROKEN
// RUN: %clang %melf_ldflags t.o -o reach -Wl,--melf-reduce=work:worker.list -Wl,--melf-reduce-indirect=reachable
// RUN: melf-objdump -s reach | FileCheck %s --check-prefix=REACH
// RUN: %clang %melf_ldflags t.o -o none -Wl,--melf-reduce=work:worker.list -Wl,--melf-reduce-indirect=none
// RUN: melf-objdump -s none | FileCheck %s --check-prefix=NONE
// RUN: melf-objdump --verify none
// A '!' line removes a function only its address makes reachable; globs.
// RUN: printf 'work*\n!other_*\n' > tuned.list
// RUN: %clang %melf_ldflags t.o -o tuned -Wl,--melf-reduce=work:tuned.list
// RUN: melf-objdump -s tuned | FileCheck %s --check-prefix=TUNED
// Two reduced variants next to the compiled ones.
// RUN: printf 'unused\n' > unused.list
// RUN: %clang %melf_ldflags t.o -o two -Wl,--melf-reduce=work:worker.list,--melf-reduce=cold:unused.list
// RUN: melf-objdump -v two | FileCheck %s --check-prefix=TWO
// RUN: melf-objdump --verify two
//
// At run time: the kept functions run, a removed one stops the thread.
// RUN: ./all 2>&1 | FileCheck %s --check-prefix=RUN-DEFAULT
// RUN: ./all work 2>&1 | FileCheck %s --check-prefix=RUN-WORK
// RUN: not --crash ./all work unused 2>&1 | FileCheck %s --check-prefix=RUN-TRAP
// RUN: not --crash ./none work 2>&1 | FileCheck %s --check-prefix=RUN-NONE
// RUN: env MELF_VARIANT=auto ./all 2>&1 | FileCheck %s --check-prefix=RUN-DEFAULT

#include <melf.h>
#include <stdio.h>
#include <string.h>

#define MV __attribute__((variant("debug")))

MV int leaf(int x) { return x + 1; }
MV int helper(int x) { return leaf(x) * 2; }
MV int callback(int x) { return x * 7; }
MV int other_cb(int x) { return x * 11; }
MV int apply(int (*f)(int), int x) { return f(x); }
MV int secret(int x) { return x ^ 0x5a; }
MV int unused(int x) { return secret(x) - 5; }

// Only the worker refers to this table; only main takes other_cb's address.
int (*const ops[])(int) = {callback};
int (*volatile hook)(int);

MV int worker(int x) { return helper(x) + apply(ops[0], x); }

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  hook = other_cb;
  if (argc > 1) {
    int id = melf_variant_find(argv[1]);
    int rc = melf_switch_process(id);
    printf("switched to %s: %d, flags 0x%x\n", argv[1], rc,
           melf_variant_flags(id));
  }
  printf("worker(1) = %d\n", worker(1));
  if (argc > 2)
    printf("unused(3) = %d\n", unused(3));
  return 0;
}

// VARS: 2   work                     reduced
// BROKEN: verify: broken: slot {{[0-9]+}} '{{[a-z]+}}': variant 2 'work' removes it, but its byte at 0x{{[0-9a-f]+}} is 0x90, not the trap 0xf4
// ALL-LABEL: leaf
// ALL: work                     default bytes (no own body)
// ALL-LABEL: helper
// ALL: work                     default bytes (no own body)
// ALL-LABEL: callback
// ALL: work                     default bytes (no own body)
// ALL-LABEL: other_cb
// ALL: work                     default bytes (no own body)
// ALL-LABEL: apply
// ALL: work                     default bytes (no own body)
// ALL-LABEL: secret
// ALL: work                     removed (trap bytes)
// ALL-LABEL: unused
// ALL: work                     removed (trap bytes)
// ALL-LABEL: worker
// ALL: work                     default bytes (no own body)
// ALL: Totals: 8 slots, {{[0-9]+}} slot bytes per image, 6 fallbacks to default bytes

// REACH-LABEL: callback
// REACH: work                     default bytes (no own body)
// REACH-LABEL: other_cb
// REACH: work                     removed (trap bytes)
// REACH-LABEL: apply
// REACH: work                     default bytes (no own body)

// NONE-LABEL: leaf
// NONE: work                     default bytes (no own body)
// NONE-LABEL: callback
// NONE: work                     removed (trap bytes)
// NONE-LABEL: other_cb
// NONE: work                     removed (trap bytes)

// TUNED-LABEL: callback
// TUNED: work                     default bytes (no own body)
// TUNED-LABEL: other_cb
// TUNED: work                     removed (trap bytes)

// TWO: 1   debug
// TWO: 2   work                     reduced
// TWO: 3   cold                     reduced

// RUN-DEFAULT: worker(1) = 11
// RUN-WORK: switched to work: 0, flags 0x20
// RUN-WORK-NEXT: worker(1) = 11
// RUN-TRAP: worker(1) = 11
// RUN-TRAP-NEXT: melf: thread {{[0-9]+}} called 'unused', which is not in its variant 'work'
// RUN-TRAP-NOT: unused(3) =
// RUN-NONE: switched to work
// RUN-NONE-NEXT: melf: thread {{[0-9]+}} called 'callback', which is not in its variant 'work'
