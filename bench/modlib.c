/* modlib.c - one MELF shared library of bench/modules.sh: a multivariant
 * function of about 4 KiB (one text page per image). */
#include <melf.h>
__attribute__((variant("debug"))) int modlib_touch(void) {
  __asm__ volatile("jmp 1f\n .skip 4000, 0x90\n1:");
  return melf_compiled_variant()[0];
}
