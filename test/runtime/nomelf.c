// libmelf in a program without MELF variants: one variant, nothing to
// switch, MELF_VARIANT says so. And a MELF program that closes the
// descriptor libmelf keeps: switches fail cleanly with a message.
// RUN: %clang %melf_cflags -O2 -DPLAIN -c %s -o %t.plain.o
// RUN: %clang %melf_ldflags %t.plain.o -o %t.plain
// RUN: %t.plain 2>&1 | FileCheck %s --check-prefix=PLAIN
// RUN: env MELF_VARIANT=debug %t.plain 2>&1 | FileCheck %s --check-prefix=PLAINENV
// RUN: %clang %melf_cflags -O2 -c %s -o %t.o
// RUN: %clang %melf_ldflags %t.o -o %t
// RUN: %t 2>&1 | FileCheck %s --check-prefix=CLOSED
#include <melf.h>
#include <stdio.h>
#include <unistd.h>

#ifndef PLAIN
__attribute__((variant("debug")))
const char *which(void) { return melf_compiled_variant(); }
#endif

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
#ifdef PLAIN
  printf("count %d mode %d status %d name %s current %d best %d\n",
         melf_variant_count(), melf_mode(), melf_status(), melf_variant_name(0),
         melf_current_variant(), melf_best_variant());
  printf("switch 0: %d, 1: %s, thread 0: %d, compiled %s\n",
         melf_switch_process(0), melf_strerror(melf_switch_process(1)),
         melf_switch_thread(0), melf_compiled_variant());
#else
  for (int fd = 3; fd < 64; fd++)
    close(fd);
  int rc = melf_switch_process(1);
  printf("after close: %s; running %s\n", melf_strerror(rc), which());
#endif
  return 0;
}
// PLAIN: count 1 mode 0 status -4 name default current 0 best 0
// PLAIN-NEXT: switch 0: 0, 1: the executable has no MELF variants, thread 0: 0, compiled default
// PLAINENV: melf: MELF_VARIANT=debug: this program has no MELF variants
// CLOSED: melf: the descriptor of the executable was closed or replaced by the program; cannot map variant images
// CLOSED-NEXT: after close: the executable file cannot be opened to map variant images; running default
