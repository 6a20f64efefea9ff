// A MELF shared library: one multivariant function with two variants, one
// with only "debug", and a static multivariant helper.
#include <melf.h>

__attribute__((variant("debug", "size"))) const char *lib_which(void) {
  return melf_compiled_variant();
}

__attribute__((variant("debug"))) static int scale(int x) {
  return melf_compiled_variant()[0] == 'd' ? x * 3 - x : x * 2;
}

// The same result in every variant.
__attribute__((variant("debug", "size"))) int lib_compute(int x) {
  return scale(x) + 1;
}

// A call from inside the library to an exported multivariant function
// (through the PLT: it may be interposed).
const char *lib_which_inside(void) { return lib_which(); }
