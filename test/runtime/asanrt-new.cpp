// MELF's ASan runtime, C++ (melf-clang++ links its C++ part): new in the
// default variant comes from the C library, new in the asan variant from
// ASan; delete in either variant returns a block to its owner, also for
// arrays and over-aligned types; the asan variant still reports a
// new/delete mismatch of its own blocks.
// REQUIRES: ld-melf, melf-asan-runtime
// RUN: rm -rf %t && mkdir %t
// RUN: melf-clang++ -O1 -g -c %s -o %t/a.o
// RUN: melf-clang++ %t/a.o -o %t/a
// RUN: %t/a 2>&1 | FileCheck %s
// RUN: env MELF_VARIANT=asan not %t/a mismatch 2>&1 | FileCheck %s --check-prefix=MISMATCH
// CHECK-NOT: AddressSanitizer
// CHECK: default: new 0, new[] 0, aligned new 0 from asan
// CHECK: asan: new 1, new[] 1, aligned new 1 from asan
// CHECK: crossed: done
// MISMATCH: ERROR: AddressSanitizer: alloc-dealloc-mismatch (operator new [] vs operator delete)
#include <melf.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>

extern "C" int __sanitizer_get_ownership(const void *p);

struct alignas(128) Big {
  char c[200];
};

__attribute__((variant("asan"), noinline)) int use(char *p, int n) {
  int s = 0;
  for (int i = 0; i < n; i++)
    s += p[i] = (char)i;
  return s;
}

static void go(int id) {
  if (melf_switch_process(id) != 0)
    std::exit(1);
}

int main(int argc, char **argv) {
  int asan = melf_variant_find("asan");
  if (argc > 1 && !std::strcmp(argv[1], "mismatch")) {
    char *p = new char[10];
    use(p, 10);
    delete p;
    return 0;
  }
  char *d1 = new char, *d2 = new char[64];
  Big *d3 = new Big;
  go(0);
  char *e1 = new char, *e2 = new char[64];
  Big *e3 = new Big;
  std::printf("default: new %d, new[] %d, aligned new %d from asan\n",
              __sanitizer_get_ownership(e1), __sanitizer_get_ownership(e2),
              __sanitizer_get_ownership(e3));
  go(asan);
  char *a1 = new char, *a2 = new char[64];
  Big *a3 = new Big;
  std::printf("asan: new %d, new[] %d, aligned new %d from asan\n",
              __sanitizer_get_ownership(a1), __sanitizer_get_ownership(a2),
              __sanitizer_get_ownership(a3));
  use(e2, 64);
  use(a2, 64);
  delete e1;
  delete[] e2;
  delete e3;
  go(0);
  delete a1;
  delete[] a2;
  delete a3;
  delete d1;
  delete[] d2;
  delete d3;
  std::puts("crossed: done");
  return 0;
}
