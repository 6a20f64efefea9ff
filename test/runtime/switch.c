// melf_switch_process back and forth many times, each switch checked by the
// code that runs; melf_switch_thread in a single-threaded process. PIE,
// non-PIE and static, and under ASan.
// RUN: %clang %melf_cflags -O2 -c %s -o %t.o
// RUN: %clang %melf_ldflags -pie %t.o -o %t.pie && %t.pie | FileCheck %s
// RUN: %clang %melf_ldflags -no-pie %t.o -o %t.nopie && %t.nopie | FileCheck %s
// RUN: %clang %melf_ldflags -static %t.o -o %t.static && %t.static | FileCheck %s
// Under ASan: libmelf and main() instrumented; the multivariant functions
// are not (ASan instruments the plugin's .melf.group records, which ld.melf
// then rejects: a plugin issue).
// RUN: %clang %melf_cflags -O2 -DVARIANTS_ONLY -c %s -o %t.v.o
// RUN: %clang %melf_cflags -O2 -DMAIN_ONLY -fsanitize=address -c %s -o %t.m.o
// RUN: %clang %asan_melf_ldflags -fsanitize=address %t.v.o %t.m.o -o %t.asan && %t.asan | FileCheck %s
#include <melf.h>
#include <stdio.h>
#include <string.h>

const char *which(void);
int scaled(int x);
#ifndef MAIN_ONLY
__attribute__((variant("debug", "size")))
const char *which(void) { return melf_compiled_variant(); }

// Different code per variant: the result tells which bytes ran.
__attribute__((variant("debug", "size")))
int scaled(int x) {
  const char *v = melf_compiled_variant();
  return x * (v[0] == 'd' && v[1] == 'e' && v[2] == 'b' ? 3 : v[0] == 's' ? 5 : 1);
}

#endif

#ifndef VARIANTS_ONLY
int main(void) {
  static const int factor[] = {1, 3, 5};
  const char *names[] = {"default", "debug", "size"};
  int ids[3], bad = 0, fails = 0;
  for (int i = 0; i < 3; i++)
    ids[i] = melf_variant_find(names[i]);
  for (int round = 0; round < 2000; round++) {
    int k = (round * 7 + round / 3) % 3;
    int rc = round % 2 ? melf_switch_thread(ids[k]) : melf_switch_process(ids[k]);
    if (rc) {
      fails++;
      printf("switch to %s: %s\n", names[k], melf_strerror(rc));
      continue;
    }
    if (strcmp(which(), names[k]) || scaled(round) != round * factor[k] ||
        melf_current_variant() != ids[k])
      bad++;
  }
  printf("2000 switches: %d failed, %d ran the wrong code\n", fails, bad);
  // Switching to the variant already running is a no-op.
  printf("same %d %d\n", melf_switch_process(melf_current_variant()),
         melf_switch_thread(melf_current_variant()));
  // Errors leave the process as it was.
  melf_switch_process(ids[1]);
  printf("bad ids %d %d %d %d, still %s\n", melf_switch_process(-1),
         melf_switch_process(3), melf_switch_thread(64),
         melf_switch_thread(-7), which());
  return 0;
}
#endif
// CHECK: 2000 switches: 0 failed, 0 ran the wrong code
// CHECK-NEXT: same 0 0
// CHECK-NEXT: bad ids -1 -1 -1 -1, still debug
