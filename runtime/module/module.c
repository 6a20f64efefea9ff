/*
 * module.c - the module object, linked into every MELF shared library
 * (libmelf_nonshared.a; ld.melf refers to MELF_MODULE_SYMBOL in -shared
 * links with MELF input). It tells the process's runtime that this library
 * was loaded (from its constructor) and is being unloaded (from its
 * destructor), with an address inside the library. The runtime is the
 * executable's, or libmelf.so.0, which the library needs (docs/melf-abi.md,
 * "Modules"). Nothing else: no state, no allocation.
 */
#include <melf/abi.h>

/* Hidden: each library has its own, and its address names the library. */
__attribute__((visibility("hidden"))) const int __melf_module = 1;

void __melf_module_event(int event, const void *addr_in_module);

/* Before the library's own constructors (which may call multivariant
 * functions) and after its destructors. */
__attribute__((constructor(101))) static void melf_module_loaded(void) {
  __melf_module_event(MELF_MODULE_LOADED, &__melf_module);
}

__attribute__((destructor(101))) static void melf_module_unloading(void) {
  __melf_module_event(MELF_MODULE_UNLOADING, &__melf_module);
}
