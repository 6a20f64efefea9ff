/*
 * cpu.c - ISA features of this CPU as MELF_X86_* bits (cpuid + xgetbv).
 *
 * A feature counts only if the CPU has it and the OS enabled the register
 * state it needs (XCR0): AVX-class features need XMM|YMM, AVX-512 ones also
 * opmask|ZMM_Hi256|Hi16_ZMM.
 */
#include "internal.h"

#if defined(__x86_64__)
#include <cpuid.h>

static uint64_t xgetbv0(void) {
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return ((uint64_t)hi << 32) | lo;
}

uint64_t melf_cpu_features(void) {
  unsigned a, b, c, d, max;
  uint64_t f = 0;
#define SET(cond, bit)                                                         \
  do {                                                                         \
    if (cond)                                                                  \
      f |= MELF_BIT(bit);                                                      \
  } while (0)
  if (!__get_cpuid(0, &max, &b, &c, &d))
    return 0;
  __cpuid(1, a, b, c, d);
  int osxsave = (c >> 27) & 1;
  SET(c & (1u << 0), MELF_X86_SSE3);
  SET(c & (1u << 1), MELF_X86_PCLMUL);
  SET(c & (1u << 9), MELF_X86_SSSE3);
  SET(c & (1u << 12), MELF_X86_FMA);
  SET(c & (1u << 13), MELF_X86_CX16);
  SET(c & (1u << 19), MELF_X86_SSE4_1);
  SET(c & (1u << 20), MELF_X86_SSE4_2);
  SET(c & (1u << 22), MELF_X86_MOVBE);
  SET(c & (1u << 23), MELF_X86_POPCNT);
  SET(c & (1u << 25), MELF_X86_AES);
  SET(c & (1u << 26), MELF_X86_XSAVE);
  SET(c & (1u << 28), MELF_X86_AVX);
  SET(c & (1u << 29), MELF_X86_F16C);
  SET(c & (1u << 30), MELF_X86_RDRND);
  if (max >= 7) {
    __cpuid_count(7, 0, a, b, c, d);
    SET(b & (1u << 3), MELF_X86_BMI1);
    SET(b & (1u << 5), MELF_X86_AVX2);
    SET(b & (1u << 8), MELF_X86_BMI2);
    SET(b & (1u << 16), MELF_X86_AVX512F);
    SET(b & (1u << 17), MELF_X86_AVX512DQ);
    SET(b & (1u << 18), MELF_X86_RDSEED);
    SET(b & (1u << 19), MELF_X86_ADX);
    SET(b & (1u << 28), MELF_X86_AVX512CD);
    SET(b & (1u << 29), MELF_X86_SHA);
    SET(b & (1u << 30), MELF_X86_AVX512BW);
    SET(b & (1u << 31), MELF_X86_AVX512VL);
    SET(c & (1u << 1), MELF_X86_AVX512VBMI);
    SET(c & (1u << 11), MELF_X86_AVX512VNNI);
    SET(d & (1u << 23), MELF_X86_AVX512FP16);
    unsigned sub = a;
    if (sub >= 1) {
      __cpuid_count(7, 1, a, b, c, d);
      SET(a & (1u << 4), MELF_X86_AVXVNNI);
      SET(a & (1u << 5), MELF_X86_AVX512BF16);
    }
  }
  __cpuid(0x80000000u, max, b, c, d);
  if (max >= 0x80000001u) {
    __cpuid(0x80000001u, a, b, c, d);
    SET(c & (1u << 0), MELF_X86_LAHF_SAHF);
    SET(c & (1u << 5), MELF_X86_LZCNT);
  }
  uint64_t xcr0 = osxsave ? xgetbv0() : 0;
  const uint64_t vex = MELF_BIT(MELF_X86_AVX) | MELF_BIT(MELF_X86_AVX2) |
                       MELF_BIT(MELF_X86_FMA) | MELF_BIT(MELF_X86_F16C) |
                       MELF_BIT(MELF_X86_AVXVNNI);
  const uint64_t evex =
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
#undef SET
}
#else
uint64_t melf_cpu_features(void) { return 0; }
#endif
