// The guest's MELF shared library (kernel/tests/melf-modules): which code
// runs, and a static multivariant helper whose result stays the same.
#include <melf.h>
#include <string.h>

__attribute__((variant("debug", "size"))) __attribute__((noinline)) int
guestlib_which(void) {
  const char *v = melf_compiled_variant();
  return strcmp(v, "debug") == 0 ? 1 : strcmp(v, "size") == 0 ? 2 : 0;
}

__attribute__((variant("debug"))) static int twice(int x) { return x + x; }

__attribute__((variant("debug", "size"))) int guestlib_compute(int x) {
  return twice(x) + 1;
}
