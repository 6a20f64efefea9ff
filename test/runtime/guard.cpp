// The C++ scoped guard (melf.hpp) switches and restores the variant.
// RUN: %clangxx %melf_cflags -O2 -c %s -o %t.o
// RUN: %clangxx %melf_ldflags %t.o -o %t && %t | FileCheck %s
#include <melf.hpp>
#include <cstdio>

[[melf::variant("debug", "size")]]
const char *which() { return melf_compiled_variant(); }

int main() {
  std::printf("before %s\n", which());
  {
    melf::scoped_variant g("debug");
    std::printf("in scope %s (ok %d, previous %s)\n", which(), bool(g),
                melf::variant_name(g.previous()));
    {
      melf::scoped_variant h(melf::variant_find("size"));
      std::printf("nested %s\n", which());
    }
    std::printf("back %s\n", which());
  }
  std::printf("after %s\n", which());
  melf::scoped_variant bad("nope");
  std::printf("bad: %d %s; running %s\n", bad.error(), bad.error_message(), which());
}
// CHECK: before default
// CHECK-NEXT: in scope debug (ok 1, previous default)
// CHECK-NEXT: nested size
// CHECK-NEXT: back debug
// CHECK-NEXT: after default
// CHECK-NEXT: bad: -2 no variant of that name; running default
