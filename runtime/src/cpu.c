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

/* Bit numbers of AT_HWCAP (word 0) and AT_HWCAP2 (word 1) from Linux's
 * arch/arm64/include/uapi/asm/hwcap.h, spelled out: older libc headers
 * lack the newer ones. */
#define H(n) (0u << 8 | (n))
#define H2(n) (1u << 8 | (n))
static const struct {
  unsigned char melf;
  unsigned short need[2]; /* H(n) / H2(n); 0xffff: none */
} hwcaps[] = {
    {MELF_AARCH64_FP, {H(0), 0xffff}},         /* FP              */
    {MELF_AARCH64_NEON, {H(1), 0xffff}},       /* ASIMD           */
    {MELF_AARCH64_AES, {H(3), H(4)}},          /* AES, PMULL      */
    {MELF_AARCH64_SHA2, {H(5), H(6)}},         /* SHA1, SHA2      */
    {MELF_AARCH64_CRC, {H(7), 0xffff}},        /* CRC32           */
    {MELF_AARCH64_LSE, {H(8), 0xffff}},        /* ATOMICS         */
    {MELF_AARCH64_FULLFP16, {H(9), H(10)}},    /* FPHP, ASIMDHP   */
    {MELF_AARCH64_RDM, {H(12), 0xffff}},       /* ASIMDRDM        */
    {MELF_AARCH64_JSCONV, {H(13), 0xffff}},    /* JSCVT           */
    {MELF_AARCH64_COMPLXNUM, {H(14), 0xffff}}, /* FCMA            */
    {MELF_AARCH64_RCPC, {H(15), 0xffff}},      /* LRCPC           */
    {MELF_AARCH64_CCPP, {H(16), 0xffff}},      /* DCPOP           */
    {MELF_AARCH64_SHA3, {H(17), H(21)}},       /* SHA3, SHA512    */
    {MELF_AARCH64_SM4, {H(18), H(19)}},        /* SM3, SM4        */
    {MELF_AARCH64_DOTPROD, {H(20), 0xffff}},   /* ASIMDDP         */
    {MELF_AARCH64_SVE, {H(22), 0xffff}},       /* SVE             */
    {MELF_AARCH64_FP16FML, {H(23), 0xffff}},   /* ASIMDFHM        */
    {MELF_AARCH64_DIT, {H(24), 0xffff}},       /* DIT             */
    {MELF_AARCH64_LSE2, {H(25), 0xffff}},      /* USCAT           */
    {MELF_AARCH64_RCPC_IMMO, {H(26), 0xffff}}, /* ILRCPC          */
    {MELF_AARCH64_FLAGM, {H(27), 0xffff}},     /* FLAGM           */
    {MELF_AARCH64_SSBS, {H(28), 0xffff}},      /* SSBS            */
    {MELF_AARCH64_SB, {H(29), 0xffff}},        /* SB              */
    {MELF_AARCH64_PAUTH, {H(30), H(31)}},      /* PACA, PACG      */
    {MELF_AARCH64_CCDP, {H2(0), 0xffff}},      /* DCPODP          */
    {MELF_AARCH64_SVE2, {H2(1), 0xffff}},      /* SVE2            */
    {MELF_AARCH64_ALTNZCV, {H2(7), 0xffff}},   /* FLAGM2          */
    {MELF_AARCH64_FPTOINT, {H2(8), 0xffff}},   /* FRINT           */
    {MELF_AARCH64_I8MM, {H2(13), 0xffff}},     /* I8MM            */
    {MELF_AARCH64_BF16, {H2(14), 0xffff}},     /* BF16            */
    {MELF_AARCH64_RAND, {H2(16), 0xffff}},     /* RNG             */
    {MELF_AARCH64_BTI, {H2(17), 0xffff}},      /* BTI             */
    {MELF_AARCH64_MTE, {H2(18), 0xffff}},      /* MTE             */
};

/* Any host: unit tests check the table. */
uint64_t melf_cpu_features_from_hwcap(uint64_t hwcap, uint64_t hwcap2) {
  const uint64_t word[2] = {hwcap, hwcap2};
  uint64_t f = 0;
  for (size_t i = 0; i < sizeof hwcaps / sizeof hwcaps[0]; i++) {
    int ok = 1;
    for (int k = 0; k < 2; k++) {
      unsigned n = hwcaps[i].need[k];
      if (n != 0xffff && !(word[n >> 8] & MELF_BIT(n & 0xff)))
        ok = 0;
    }
    if (ok)
      f |= MELF_BIT(hwcaps[i].melf);
  }
  return f;
}
#undef H
#undef H2


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
