/*
 * cpu.c - ISA features of this CPU as MELF_* feature bits of the host
 * architecture (include/melf/abi.h).
 *
 * x86-64: cpuid + xgetbv. A feature counts only if the CPU has it and the OS
 * enabled the register state it needs (XCR0): AVX-class features need
 * XMM|YMM, AVX-512 ones also opmask|ZMM_Hi256|Hi16_ZMM.
 *
 * AArch64: the Linux auxiliary vector (AT_HWCAP, AT_HWCAP2), which lists
 * what the kernel lets user space use (the ID registers are not readable
 * without the kernel's emulation, and qemu-user reports its emulated CPU
 * there). A bit needs every hwcap docs/melf-abi.md names for it.
 */
#include "internal.h"

#if defined(__x86_64__)
#include <cpuid.h>

/* Where cpuid reports each MELF_X86_* bit, indexed by the bit: the leaf
 * (LEAF_*), the register (0 eax .. 3 edx) and the bit. Every bit below
 * MELF_X86_FEATURE_COUNT has its entry. */
enum { LEAF_1, LEAF_7, LEAF_7_1, LEAF_EXT1, NLEAVES };
#define AT(leaf, reg, bit) ((leaf) << 7 | (reg) << 5 | (bit))
static const unsigned short x86_bits[MELF_X86_FEATURE_COUNT] = {
    [MELF_X86_SSE3] = AT(LEAF_1, 2, 0),
    [MELF_X86_PCLMUL] = AT(LEAF_1, 2, 1),
    [MELF_X86_SSSE3] = AT(LEAF_1, 2, 9),
    [MELF_X86_FMA] = AT(LEAF_1, 2, 12),
    [MELF_X86_CX16] = AT(LEAF_1, 2, 13),
    [MELF_X86_SSE4_1] = AT(LEAF_1, 2, 19),
    [MELF_X86_SSE4_2] = AT(LEAF_1, 2, 20),
    [MELF_X86_MOVBE] = AT(LEAF_1, 2, 22),
    [MELF_X86_POPCNT] = AT(LEAF_1, 2, 23),
    [MELF_X86_AES] = AT(LEAF_1, 2, 25),
    [MELF_X86_XSAVE] = AT(LEAF_1, 2, 26),
    [MELF_X86_AVX] = AT(LEAF_1, 2, 28),
    [MELF_X86_F16C] = AT(LEAF_1, 2, 29),
    [MELF_X86_RDRND] = AT(LEAF_1, 2, 30),
    [MELF_X86_BMI1] = AT(LEAF_7, 1, 3),
    [MELF_X86_AVX2] = AT(LEAF_7, 1, 5),
    [MELF_X86_BMI2] = AT(LEAF_7, 1, 8),
    [MELF_X86_AVX512F] = AT(LEAF_7, 1, 16),
    [MELF_X86_AVX512DQ] = AT(LEAF_7, 1, 17),
    [MELF_X86_RDSEED] = AT(LEAF_7, 1, 18),
    [MELF_X86_ADX] = AT(LEAF_7, 1, 19),
    [MELF_X86_AVX512CD] = AT(LEAF_7, 1, 28),
    [MELF_X86_SHA] = AT(LEAF_7, 1, 29),
    [MELF_X86_AVX512BW] = AT(LEAF_7, 1, 30),
    [MELF_X86_AVX512VL] = AT(LEAF_7, 1, 31),
    [MELF_X86_AVX512VBMI] = AT(LEAF_7, 2, 1),
    [MELF_X86_AVX512VNNI] = AT(LEAF_7, 2, 11),
    [MELF_X86_AVX512FP16] = AT(LEAF_7, 3, 23),
    [MELF_X86_AVXVNNI] = AT(LEAF_7_1, 0, 4),
    [MELF_X86_AVX512BF16] = AT(LEAF_7_1, 0, 5),
    [MELF_X86_LAHF_SAHF] = AT(LEAF_EXT1, 2, 0),
    [MELF_X86_LZCNT] = AT(LEAF_EXT1, 2, 5),
};
#undef AT
_Static_assert(MELF_X86_FEATURE_COUNT == 32, "x86_bits needs an entry per bit");

/* The cpuid leaves and subleaves LEAF_* name. */
static const unsigned leaves[NLEAVES][2] = {
    {1, 0}, {7, 0}, {7, 1}, {0x80000001u, 0}};

static uint64_t xgetbv0(void) {
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return ((uint64_t)hi << 32) | lo;
}

uint64_t melf_cpu_features(void) {
  unsigned r[NLEAVES][4] = {{0}}, max, emax, b, c, d;
  __cpuid(0, max, b, c, d);
  __cpuid(0x80000000u, emax, b, c, d);
  /* A leaf past the highest one the CPU has (basic or extended), or a
   * subleaf past leaf 7's count, reads as zeros. */
  for (int i = 0; i < NLEAVES; i++) {
    unsigned leaf = leaves[i][0], sub = leaves[i][1];
    if (leaf <= (leaf >> 31 ? emax : max) && sub <= r[LEAF_7][0])
      __cpuid_count(leaf, sub, r[i][0], r[i][1], r[i][2], r[i][3]);
  }
  uint32_t f = 0; /* every bit is below 32 */
  for (int i = 0; i < MELF_X86_FEATURE_COUNT; i++) {
    unsigned w = x86_bits[i];
    if (r[w >> 7][(w >> 5) & 3] & (1u << (w & 31)))
      f |= MELF_BIT(i);
  }
  uint64_t xcr0 = (r[LEAF_1][2] >> 27) & 1 ? xgetbv0() : 0; /* OSXSAVE */
  const uint32_t vex = MELF_BIT(MELF_X86_AVX) | MELF_BIT(MELF_X86_AVX2) |
                       MELF_BIT(MELF_X86_FMA) | MELF_BIT(MELF_X86_F16C) |
                       MELF_BIT(MELF_X86_AVXVNNI);
  const uint32_t evex =
      MELF_BIT(MELF_X86_AVX512F) | MELF_BIT(MELF_X86_AVX512BW) |
      MELF_BIT(MELF_X86_AVX512CD) | MELF_BIT(MELF_X86_AVX512DQ) |
      MELF_BIT(MELF_X86_AVX512VL) | MELF_BIT(MELF_X86_AVX512VNNI) |
      MELF_BIT(MELF_X86_AVX512BF16) | MELF_BIT(MELF_X86_AVX512VBMI) |
      MELF_BIT(MELF_X86_AVX512FP16);
  if ((xcr0 & 0x6) != 0x6)
    f &= ~(vex | evex);
  if ((xcr0 & 0xe6) != 0xe6)
    f &= ~evex;
  return f;
}
#elif defined(__aarch64__)
#include <sys/auxv.h>

#ifndef AT_HWCAP2
#define AT_HWCAP2 26
#endif

uint64_t melf_cpu_features(void) {
  return melf_cpu_features_from_hwcap(getauxval(AT_HWCAP),
                                      getauxval(AT_HWCAP2));
}
#else
uint64_t melf_cpu_features(void) { return 0; }
#endif
