// Per-image unwind tables on AArch64: a backtrace from inside every
// variant of a multivariant function (different frame layouts: debug is
// unoptimised) walks through it to the end of the stack, under qemu.
// RUN: %clang %a64_cflags -O2 -c %s -o %t.o
// RUN: %clang %a64_ldflags %t.o -o %t
// RUN: melf-objdump --verify %t | FileCheck %s --check-prefix=VERIFY
// VERIFY: valid MELF binary (4 variants, 1 slots)
// RUN: %qemu_a64 -cpu max %t | FileCheck %s
// CHECK: default: end of stack, through outer
// CHECK-NEXT: armv8-2-a: end of stack, through outer
// CHECK-NEXT: debug: end of stack, through outer
// CHECK-NEXT: sve2: end of stack, through outer
#include <melf.h>
#include <stdint.h>
#include <stdio.h>
#include <unwind.h>

static uintptr_t slot_lo, slot_hi;
static int through;
static volatile int sink;

static _Unwind_Reason_Code step(struct _Unwind_Context *c, void *arg) {
  uintptr_t ip = _Unwind_GetIP(c);
  if (ip > slot_lo && ip <= slot_hi)
    through = 1;
  ++*(int *)arg;
  return _URC_NO_REASON;
}

__attribute__((noinline)) static int backtrace_here(void) {
  int frames = 0;
  through = 0;
  _Unwind_Reason_Code r = _Unwind_Backtrace(step, &frames);
  return r == _URC_END_OF_STACK && frames > 3 ? 1 : 0;
}

__attribute__((variant("armv8-2-a", "debug", "sve2")))
int outer(volatile int *v, int n) {
  int buf[64];
  for (int i = 0; i < 64; i++)
    buf[i] = v[i % n] * i;
  int ok = backtrace_here(); // not a tail call: outer's frame is live
  sink += buf[n & 63];
  return ok;
}

int main(void) {
  static volatile int v[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  slot_lo = (uintptr_t)&outer;
  slot_hi = slot_lo + 4096;
  const char *names[] = {"default", "armv8-2-a", "debug", "sve2"};
  for (int i = 0; i < 4; i++) {
    if (melf_switch_process(melf_variant_find(names[i])) != 0)
      return 1;
    int ok = outer(v, 8);
    printf("%s: %s, %s\n", names[i], ok ? "end of stack" : "stopped early",
           through ? "through outer" : "not through outer");
  }
  return 0;
}
