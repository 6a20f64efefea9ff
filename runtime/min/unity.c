/*
 * unity.c - libmelf_min as one translation unit: the start-up code
 * (min.c), the validator built with MELF_META_MIN (meta.c) and the CPU
 * features (cpu.c on x86-64; on AArch64 hwcap.c's table of the auxiliary
 * vector words). Their functions are static here (MELF_LOCAL; "unused":
 * one of the CPU functions is declared, not defined), so that the
 * compiler sees every caller: the minimal runtime is smaller that way
 * (bench/footprint.sh), from the same sources as the full runtime's.
 */
#define MELF_LOCAL static __attribute__((noinline, unused))
#include "min.c"

#include "../src/meta.c"
#if defined(__x86_64__)
#include "../src/cpu.c"
#elif defined(__aarch64__)
#include "../src/hwcap.c"
#endif
