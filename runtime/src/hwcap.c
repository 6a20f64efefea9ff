/*
 * hwcap.c - the AArch64 ISA feature bits (enum melf_aarch64_feature) that
 * the Linux auxiliary vector's AT_HWCAP and AT_HWCAP2 words mean. Used by
 * cpu.c on AArch64 and by the topology reader (per-CPU features); built on
 * every host, for the unit tests of the table. Its own object, so that an
 * x86-64 link of the minimal runtime does not carry the table.
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
