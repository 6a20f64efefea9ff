// A trap in the MELF area stops the thread with one message that names the
// function and the variant (trap.c), never a bare SIGSEGV: a function a
// reduced variant removed (its body is trap bytes: melf-remove.py makes
// such a variant until ld.melf links them), a jump into a function's trap
// padding and into the padding between slots. Faults elsewhere are left
// to the program's handler or the default action.
// RUN: %clang %melf_cflags -O2 -c %s -o %t.o
// RUN: %clang %melf_ldflags %t.o -o %t
// RUN: %python %melf_runtime_inputs/melf-remove.py %t %t.r size secret
// RUN: chmod +x %t.r
// The unreduced program runs every function in every variant.
// RUN: %t call 2>&1 | FileCheck %s --check-prefix=FULL
// RUN: %t call size 2>&1 | FileCheck %s --check-prefix=FULL
// RUN: %t.r call 2>&1 | FileCheck %s --check-prefix=FULL
// FULL: caller(5) = 56
// The reduced variant: one message naming 'secret' and 'size', then the
// signal's default action (lit's `not --crash`: killed by a signal).
// RUN: not --crash %t.r removed size 2>&1 | FileCheck %s --check-prefix=REMOVED --implicit-check-not=melf:
// REMOVED: calling caller(5) in size
// REMOVED-NEXT: melf: thread {{[0-9]+}} called 'secret', which is not in its variant 'size' (trap at 0x{{[0-9a-f]+}}, return address in 'caller')
// REMOVED-NOT: caller(5) =
// Also with the default variant's image removed (MELF_VARIANT picks it at
// start-up, the message names the variant the thread runs).
// RUN: %python %melf_runtime_inputs/melf-remove.py %t %t.d default secret
// RUN: chmod +x %t.d
// RUN: not --crash %t.d removed 2>&1 | FileCheck %s --check-prefix=REMOVED-DEF --implicit-check-not=melf:
// REMOVED-DEF: melf: thread {{[0-9]+}} called 'secret', which is not in its variant 'default'
// Entered past its entry (a plain slot of --melf-area=all may hold several
// functions): named with the offset.
// RUN: not --crash %t.r inside size 2>&1 | FileCheck %s --check-prefix=INSIDE --implicit-check-not=melf:
// INSIDE: melf: thread {{[0-9]+}} reached 'secret'+0x1, which is not in its variant 'size' (trap at 0x{{[0-9a-f]+}})
// RUN: not --crash %t.r padding 2>&1 | FileCheck %s --check-prefix=PADDING --implicit-check-not=melf:
// PADDING: melf: thread {{[0-9]+}} jumped into the trap padding of 'tiny' in variant 'default': entry+0x{{[0-9a-f]+}}, past the end of its body
// RUN: not --crash %t.r gap 2>&1 | FileCheck %s --check-prefix=GAP --implicit-check-not=melf:
// GAP: melf: thread {{[0-9]+}} jumped into the trap padding of variant 'default' at 0x{{[0-9a-f]+}}, outside every function (after '{{[a-z]+}}')
// A fault outside the area: no message, the default action.
// RUN: not --crash %t.r null 2>&1 | FileCheck %s --check-prefix=NULL --implicit-check-not=melf:
// NULL: dereferencing NULL
// A handler the program installed before libmelf's start-up (from
// .preinit_array) gets every fault: after the message for a trap in the
// area, alone for one outside it.
// RUN: %clang %melf_cflags -O2 -DPREINIT_HANDLER -c %s -o %t.h.o
// RUN: %clang %melf_ldflags %t.h.o -o %t.h
// RUN: %python %melf_runtime_inputs/melf-remove.py %t.h %t.hr size secret
// RUN: chmod +x %t.hr
// RUN: not %t.hr removed size 2>&1 | FileCheck %s --check-prefix=CHAIN --implicit-check-not=melf:
// CHAIN: melf: thread {{[0-9]+}} called 'secret', which is not in its variant 'size'
// CHAIN-NEXT: program handler: signal 11
// RUN: not %t.hr null 2>&1 | FileCheck %s --check-prefix=CHAIN-NULL --implicit-check-not=melf:
// CHAIN-NULL: program handler: signal 11
// A second thread that calls the removed function: one message, naming it.
// RUN: not --crash %t.r thread size 2>&1 | FileCheck %s --check-prefix=THREAD --implicit-check-not=melf:
// THREAD: melf: thread {{[0-9]+}} called 'secret', which is not in its variant 'size'
#include <melf.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((variant("size")))
int secret(int x) { return x * 11; }

__attribute__((variant("size")))
int caller(int x) { return secret(x) + 1; }

// debug's body is larger than the default's: the default image has
// padding inside tiny's slot.
__attribute__((variant("debug", "size")))
int tiny(int x) { return x + 1; }

#ifdef PREINIT_HANDLER
static void on_segv(int sig) {
  char msg[] = "program handler: signal 00\n";
  msg[sizeof msg - 4] = (char)('0' + sig / 10);
  msg[sizeof msg - 3] = (char)('0' + sig % 10);
  (void)!write(2, msg, sizeof msg - 1);
  _exit(3);
}
static void install(int argc, char **argv, char **envp) {
  (void)argc, (void)argv, (void)envp;
  signal(SIGSEGV, on_segv);
}
__attribute__((section(".preinit_array"), used))
static void (*const preinit)(int, char **, char **) = install;
#endif

static void *in_thread(void *arg) {
  (void)arg;
  printf("thread: caller(5) = %d\n", caller(5));
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc < 2)
    return 2;
  if (argc > 2 && melf_switch_process(melf_variant_find(argv[2])) != 0) {
    printf("cannot switch to %s\n", argv[2]);
    return 2;
  }
  const char *what = argv[1];
  if (!strcmp(what, "call") || !strcmp(what, "removed")) {
    printf("calling caller(5) in %s\n", melf_variant_name(melf_current_variant()));
    printf("caller(5) = %d\n", caller(5));
  } else if (!strcmp(what, "inside")) {
    int (*into)(int) = (int (*)(int))((uintptr_t)secret + 1);
    printf("secret+1: %d\n", into(1));
  } else if (!strcmp(what, "thread")) {
    pthread_t t;
    pthread_create(&t, 0, in_thread, 0);
    pthread_join(t, 0);
  } else if (!strcmp(what, "padding")) {
    // tiny's default body is `lea 1(%rdi),%eax; ret`; the slot is as large
    // as its largest body, so the first trap byte after the ret is padding.
    const unsigned char *p = (const unsigned char *)(uintptr_t)tiny;
    while (*p != 0xc3)
      p++;
    int (*into)(int) = (int (*)(int))(uintptr_t)(p + 1);
    printf("tiny pad: %d\n", into(1));
  } else if (!strcmp(what, "gap")) {
    // The last byte of the text part: page padding after the last slot.
    struct melf_module_info mi;
    if (melf_module_info(0, &mi) != 0)
      return 2;
    void (*into)(void) = (void (*)(void))(uintptr_t)(mi.area + mi.area_size - 1);
    into();
  } else if (!strcmp(what, "null")) {
    printf("dereferencing NULL\n");
    volatile int *z = 0;
    return *z;
  }
  return 0;
}
