/*
 * hook.c - tells the runtime of instrumented variants (MELF's ASan
 * runtime, when the program has one) which variant threads run, after
 * every change (docs/melf-abi.md, "Instrumented variants"). The switch
 * paths (switch.c) and the fork handler (startup.c) call it.
 */
#define _GNU_SOURCE
#include "state.h"

/* Defined by that runtime, if linked (MELF_VARIANT_HOOK_SYMBOL). */
extern void __melf_variant_changed(int scope, uint32_t flags)
    __attribute__((weak));

void melf_hook_variant(int scope, int id) {
  if (__melf_variant_changed)
    __melf_variant_changed(scope, id >= 0 && id < melf_rt.nvariants
                                      ? melf_rt.var[id].flags
                                      : 0);
}
