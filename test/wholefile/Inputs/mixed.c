/* Attribute variants and whole-file variants in one file. */
#include <melf.h>
__attribute__((variant("debug")))
const char *mixed(void) { return melf_compiled_variant(); }
int plain(int x) { return x + 40; }
