/*
 * melf.h - the MELF runtime interface (libmelf).
 *
 * At this stage only the compile-time part exists: melf_compiled_variant().
 * The run-time API (variant enumeration and switching) arrives with libmelf;
 * see docs/runtime.md once it lands.
 */
#ifndef MELF_H
#define MELF_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The name of the variant the calling function body was compiled as:
 * "default" in ordinary code and in the default body of a multivariant
 * function, the variant's name (e.g. "debug", "x86-64-v3") in its clones.
 * The MELF pass folds every call to a constant string, so this costs
 * nothing at run time and needs no library; code inside a multivariant
 * function can branch on it to behave differently per variant. Without the
 * plugin the call stays and needs libmelf's fallback definition.
 * Async-signal-safe.
 */
const char *melf_compiled_variant(void);

#ifdef __cplusplus
}
#endif

#endif /* MELF_H */
