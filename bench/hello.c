/* hello.c - the start-up benchmark's program: VARIANTS multivariant
 * variants (0: a plain program, no MELF at all); MIN_RUNTIME=1 for the
 * minimal runtime, which has no API. */
#if VARIANTS == 1
__attribute__((variant("debug"))) int f(int x) { return x + 1; }
#elif VARIANTS == 8
/* 7 built-in non-default variants need x86-64-v4 only to exist, not to run;
 * the last two are defined on the command line (bench/CMakeLists.txt). */
__attribute__((variant("debug", "size", "x86-64-v2", "x86-64-v3", "x86-64-v4",
                       "tiny", "same"))) int f(int x) { return x + 1; }
#else
int f(int x) { return x + 1; }
#endif
#if VARIANTS > 0 && !MIN_RUNTIME
#include <melf.h>
/* Referencing libmelf links it (and its start-up discovery) in. */
int main(void) { return f(-1) + (melf_variant_count() < 1); }
#else
/* No MELF, or the minimal runtime (no API; ld.melf's reference to
 * __melf_runtime links its start-up code in). */
int main(void) { return f(-1); }
#endif
