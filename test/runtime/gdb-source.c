// Source-level debugging of the variant that runs (docs/debugging.md): the
// clones' DWARF sits at shadow addresses (docs/melf-abi.md, "Debug
// information"); the gdb extension breaks at each variant's own address for
// a location, shows each thread's variant, the clone's source line, its
// arguments and locals, and unwinds clone frames with their own image's
// CFI (the -O0 debug clones' frames differ from the -O2 default's).
// REQUIRES: gdb
// RUN: %clang %melf_cflags -g -O2 -c %s -o %t.o
// RUN: %clang %melf_ldflags -g %t.o -lpthread -o %t
//
// The debug variant: two threads shown in it, a stop in the debug clone of
// `leaf` with its line, a backtrace through three clone frames, variables,
// a step to the next line of the clone.
// RUN: %melf_gdb -ex 'break main' -ex run -ex 'melf break -variant debug leaf' \
// RUN:   -ex continue -ex 'info melf' -ex bt -ex 'melf print n' -ex 'melf print sq' \
// RUN:   -ex 'melf next' -ex 'melf print sq' \
// RUN:   -ex up -ex 'melf frame' -ex 'melf list' -ex 'print $_melf_variant()' -ex kill \
// RUN:   %t 2>&1 | FileCheck %s --check-prefix=DEBUG
//
// The size variant (optimised clones) and the default, with one breakpoint
// for all variants; a misspelt variant is an error naming the variants.
// RUN: %melf_gdb -ex 'break main' -ex run -ex 'melf break -variant nope leaf' \
// RUN:   -ex 'melf break mid' -ex 'melf break top' -ex 'melf break leaf' -ex 'delete' \
// RUN:   -ex 'melf break leaf' -ex continue -ex bt -ex continue -ex continue -ex bt -ex kill \
// RUN:   %t 2>&1 | FileCheck %s --check-prefix=ALL
//
// Plain breakpoints: gdb finds the clones' shadow locations, the extension
// disables them so that gdb can run the program; the software breakpoint is
// moved to the new image at each process-wide switch, so it stops in every
// variant, and the program computes the right results.
// RUN: %melf_gdb -ex 'break leaf' -ex 'info breakpoints' -ex run -ex bt -ex continue -ex continue \
// RUN:   -ex continue \
// RUN:   %t 2>&1 | FileCheck %s --check-prefix=PLAIN
//
// Without section headers (llvm-objcopy --strip-sections; still a valid MELF
// binary) the unwinder finds the debug image's unwind table through
// PT_MELF_META. gdb takes the symbols from the unstripped file (linked
// without PIE, so that add-symbol-file needs no load address). The debug
// clone of `mid` stops after its prologue, where the default body's CFI
// gives another frame: only the clone's own CFI finds the callers.
// RUN: %clang %melf_ldflags -g -no-pie %t.o -lpthread -o %t.nopie
// RUN: llvm-objcopy --strip-sections %t.nopie %t.nosections
// RUN: llvm-readelf -h %t.nosections | FileCheck %s --check-prefix=NOSHDR
// RUN: melf-objdump --verify %t.nosections
// RUN: %melf_gdb -ex 'add-symbol-file %t.nopie' -ex 'break main' -ex run \
// RUN:   -ex 'melf break -variant debug mid' -ex continue -ex bt -ex kill \
// RUN:   %t.nosections 2>&1 | FileCheck %s --check-prefix=NOSECTIONS
//
// Symbolizers: the slot address gives the default body's line, always; the
// shadow address the clone's.
// RUN: llvm-dwarfdump --debug-line %t | FileCheck %s --check-prefix=LINES
// RUN: %python -c "import subprocess,sys; a=int(subprocess.check_output(['llvm-nm','%t']).decode().split(' T leaf')[0].split()[-1],16); print(hex(a)); print(hex(a+(1<<48)))" > %t.addrs
// RUN: llvm-symbolizer -e %t < %t.addrs | FileCheck %s --check-prefix=SYM
//
// --melf-clone-debug=discard: no clone DWARF at all, gdb without the
// extension debugs the default body as in any program.
// RUN: %clang %melf_ldflags -g %t.o -lpthread -Wl,--melf-clone-debug=discard -o %t.discard
// RUN: llvm-dwarfdump --debug-line %t.discard | FileCheck %s --check-prefix=DISCARD
// RUN: gdb -nx -batch -ex 'break leaf' -ex run -ex kill %t.discard 2>&1 | FileCheck %s --check-prefix=NOEXT
// RUN: not %clang %melf_ldflags %t.o -lpthread -Wl,--melf-clone-debug=bogus -o %t.bad 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BADOPT
#include <melf.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static int fds[2];

__attribute__((variant("debug", "size"))) __attribute__((noinline)) int leaf(int n) {
  int sq = n * n;
  return sq + 1;
}

__attribute__((variant("debug", "size"))) __attribute__((noinline)) int mid(int n) {
  int r = leaf(n + 1);
  return r * 2;
}

__attribute__((variant("debug", "size"))) __attribute__((noinline)) int top(int n) {
  int t = mid(n) + 3;
  return t;
}

static void *idle(void *arg) {
  char c;
  (void)arg;
  return (void *)(long)read(fds[0], &c, 1); // waits until main is done
}

int main(void) {
  pthread_t th;
  if (pipe(fds) || pthread_create(&th, NULL, idle, NULL))
    return 1;
  int a = top(1);
  melf_switch_process(melf_variant_find("debug"));
  int b = top(2);
  melf_switch_process(melf_variant_find("size"));
  int c = top(3);
  printf("results %d %d %d\n", a, b, c);
  if (write(fds[1], "x", 1) != 1)
    return 1;
  pthread_join(th, NULL);
  return 0;
}

// DEBUG: melf: breakpoint {{[0-9]+}} at 0x{{[0-9a-f]+}} for 'debug'
// DEBUG: melf: thread 1 runs variant 'debug': leaf (n=3) at {{.*}}gdb-source.c:[[#LEAF:]]
// DEBUG-NEXT: [[#LEAF]]  int sq = n * n;
// DEBUG: MELF: 3 variants (default, debug, size), process mode
// DEBUG: process variant: debug
// DEBUG-NEXT: Thread 1 (LWP {{[0-9]+}}): debug
// DEBUG-NEXT: Thread 2 (LWP {{[0-9]+}}): debug
// DEBUG: #0 {{.*}} in leaf [debug] (n=3) at {{.*}}gdb-source.c:[[#LEAF]]
// DEBUG-NEXT: #1 {{.*}} in mid [debug] (n=2) at {{.*}}gdb-source.c:[[#LEAF+5]]
// DEBUG-NEXT: #2 {{.*}} in top [debug] (n=2) at {{.*}}gdb-source.c:[[#LEAF+10]]
// DEBUG-NEXT: #3 {{.*}} in main () at {{.*}}gdb-source.c:
// DEBUG: n = 3
// DEBUG: sq = {{-?[0-9]+}}
// DEBUG: leaf (n=3) at {{.*}}gdb-source.c:[[#LEAF+1]] [variant debug]
// DEBUG-NEXT: [[#LEAF+1]]  return sq + 1;
// DEBUG: sq = 9
// DEBUG: #1 {{.*}} in mid (n=2) at {{.*}}gdb-source.c:[[#LEAF+5]] [variant debug]
// DEBUG-NEXT: [[#LEAF+5]]  int r = leaf(n + 1);
// DEBUG: [[#LEAF+5]]  int r = leaf(n + 1);
// DEBUG: $1 = 1

// ALL: melf break: no variant 'nope' (variants: default, debug, size)
// ALL: melf break: leaf needs 2 hardware breakpoints (one per distinct address), 4 are in use and x86-64 has 4; use -variant V
// ALL: melf: breakpoint {{[0-9]+}} at 0x{{[0-9a-f]+}} for 'default', 'size'
// ALL: melf: breakpoint {{[0-9]+}} at 0x{{[0-9a-f]+}} for 'debug'
// ALL: Breakpoint {{[0-9]+}}, {{.*}}leaf (n=2)
// ALL: #1 {{.*}} in mid (n={{.*}}1)
// ALL: melf: thread 1 runs variant 'debug': leaf (n=3)
// ALL: melf: thread 1 runs variant 'size': leaf (n=4)
// ALL: #0 {{.*}}leaf [size] (n=4)
// ALL-NEXT: #1 {{.*}} in mid [size] (n={{.*}}) at {{.*}}gdb-source.c:
// ALL-NEXT: #2 {{.*}} in top [size] (n={{.*}}) at {{.*}}gdb-source.c:
// ALL-NEXT: #3 {{.*}} in main ()

// PLAIN: Breakpoint 1 at {{.*}}: leaf. (3 locations)
// PLAIN: 1.1 y 0x{{[0-9a-f]+}} in leaf at
// PLAIN-NEXT: 1.2 n 0x0001{{[0-9a-f]+}} in leaf at
// PLAIN-NEXT: 1.3 n 0x0002{{[0-9a-f]+}} in leaf at
// PLAIN: Breakpoint 1.1, leaf (n=2)
// PLAIN: #1 {{.*}} in mid (n={{.*}}1)
// PLAIN: melf: process-wide switch: 1 software breakpoint location in the MELF area moved to the new image
// PLAIN: Breakpoint 1.1, leaf
// PLAIN: melf: thread 1 runs variant 'debug': leaf (n=<not set up yet (prologue)>)
// PLAIN: melf: process-wide switch: 1 software breakpoint location in the MELF area moved to the new image
// PLAIN: Breakpoint 1.1, leaf
// PLAIN: melf: thread 1 runs variant 'size': leaf (n=4)
// PLAIN: results 13 23 37
// PLAIN-NOT: Cannot insert

// NOSHDR: Number of section headers: 0
// NOSECTIONS-NOT: cannot read the unwind tables
// NOSECTIONS: melf: thread 1 runs variant 'debug': mid (n=2) at {{.*}}gdb-source.c:[[#MID:]]
// NOSECTIONS: #0 {{.*}} in mid [debug] (n=2) at {{.*}}gdb-source.c:[[#MID]]
// NOSECTIONS-NEXT: #1 {{.*}} in top [debug] (n=2) at {{.*}}gdb-source.c:[[#MID+5]]
// NOSECTIONS-NEXT: #2 {{.*}} in main () at {{.*}}gdb-source.c:
// NOSECTIONS-NOT: cannot read the unwind tables

// LINES: {{^0x0001[0-9a-f]+ }}
// LINES: {{^0x0002[0-9a-f]+ }}

// The default body's first line, then the debug clone's (its prologue is
// on the line of the function's name).
// SYM: leaf
// SYM-NEXT: gdb-source.c:[[#LEAF2:]]:
// SYM: leaf
// SYM-NEXT: gdb-source.c:[[#LEAF2-1]]:0

// DISCARD-NOT: {{^0x000[1-9][0-9a-f]+ }}
// NOEXT: Breakpoint 1{{(.1)?}}, leaf (n=2)
// NOEXT-NOT: Cannot insert
// BADOPT: ld.melf: error: unknown --melf-clone-debug value: bogus (expected shadow or discard)
