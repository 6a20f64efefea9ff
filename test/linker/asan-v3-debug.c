// The acceptance case: functions with x86-64-v3, debug and asan
// variants, linked with clang -fuse-ld=melf, run their default code on a
// stock kernel; one PT_MELF_IMAGE per non-default image; every
// multivariant symbol has the same address in every image.
// RUN: %clang %melf_cflags -O2 -c %s -o %t.o
// RUN: %clang %melf_ldflags -fsanitize=address %t.o -o %t
// RUN: %t | FileCheck %s
// RUN: llvm-readelf -l %t | FileCheck %s --check-prefix=PHDR
// RUN: melf-objdump --verify %t | FileCheck %s --check-prefix=VERIFY
// RUN: %python %S/Inputs/check-images.py %t | FileCheck %s --check-prefix=IMAGES
#include <melf.h>
#include <stdio.h>

__attribute__((variant("x86-64-v3", "debug", "asan")))
long dot(const int *a, const int *b, int n) {
  long s = 0;
  for (int i = 0; i < n; i++) s += (long)a[i] * b[i];
  return s;
}

__attribute__((variant("x86-64-v3", "debug", "asan")))
const char *which(void) { return melf_compiled_variant(); }

int main(void) {
  int a[100], b[100];
  for (int i = 0; i < 100; i++) { a[i] = i; b[i] = 2; }
  printf("%s %ld\n", which(), dot(a, b, 100));
  return 0;
}
// CHECK: default 9900
// PHDR-COUNT-3: <unknown>: 0x6d454c01
// PHDR-NEXT: <unknown>: 0x6d454c02
// VERIFY: valid MELF binary (4 variants, 2 slots)
// IMAGES: slot dot +0x0 size {{[0-9]+}} own: x86-64-v3 debug asan
// IMAGES: slot which +0x{{[0-9a-f]+}} size {{[0-9]+}} own: x86-64-v3 debug asan
// IMAGES: images ok
