// MELF's ASan runtime (asan-patches/, linked by melf-clang): the asan
// variant still catches a heap overflow and a use-after-free of memory
// allocated while the thread ran it; the default variant of the same
// binary allocates from the C library and reports nothing. Memory the
// default variant allocated has no redzones: an overflow of it in the asan
// variant is not caught (docs/variants.md, "What the asan variant checks").
// REQUIRES: ld-melf, melf-asan-runtime
// RUN: rm -rf %t && mkdir %t
// RUN: melf-clang -O1 -g -c %s -o %t/a.o
// RUN: melf-clang %t/a.o -o %t/a
// RUN: %t/a overflow 2>&1 | FileCheck %s --check-prefix=DEFAULT
// RUN: %t/a uaf 2>&1 | FileCheck %s --check-prefix=DEFAULT
// RUN: env MELF_VARIANT=asan not %t/a overflow 2>&1 | FileCheck %s --check-prefix=OVERFLOW
// RUN: env MELF_VARIANT=asan not %t/a uaf 2>&1 | FileCheck %s --check-prefix=UAF
// RUN: %t/a late-overflow 2>&1 | FileCheck %s --check-prefix=LATE
// DEFAULT: variant default, buffer from libc
// DEFAULT-NOT: AddressSanitizer
// DEFAULT: done
// OVERFLOW: variant asan, buffer from asan
// OVERFLOW: ERROR: AddressSanitizer: heap-buffer-overflow
// OVERFLOW: READ of size 1
// OVERFLOW: #0 {{.*}} in peek
// OVERFLOW: 0 bytes after 16-byte region
// OVERFLOW-NOT: done
// UAF: variant asan, buffer from asan
// UAF: ERROR: AddressSanitizer: heap-use-after-free
// UAF: freed by thread T0 here:
// UAF-NOT: done
// LATE: variant default, buffer from libc
// LATE: now asan, buffer from libc
// LATE-NOT: AddressSanitizer
// LATE: done
#include <melf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int __sanitizer_get_ownership(const void *p);

__attribute__((variant("asan"), noinline)) int peek(const char *p, int i) {
  return p[i];
}

static const char *from(const void *p) {
  return __sanitizer_get_ownership(p) ? "asan" : "libc";
}

int main(int argc, char **argv) {
  const char *what = argc > 1 ? argv[1] : "";
  char *b = malloc(16);
  memset(b, 1, 16);
  printf("variant %s, buffer from %s\n",
         melf_variant_name(melf_current_variant()), from(b));
  fflush(stdout);
  if (!strcmp(what, "overflow")) {
    printf("%d\n", peek(b, 16) & 0);
  } else if (!strcmp(what, "uaf")) {
    free(b);
    printf("%d\n", peek(b, 0) & 0);
    b = malloc(1);
  } else if (!strcmp(what, "late-overflow")) {
    if (melf_switch_process(melf_variant_find("asan")) != 0)
      return 1;
    printf("now %s, buffer from %s\n",
           melf_variant_name(melf_current_variant()), from(b));
    printf("%d\n", peek(b, 16) & 0);
  }
  free(b);
  puts("done");
  return 0;
}
