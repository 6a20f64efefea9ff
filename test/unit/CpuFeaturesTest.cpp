// libmelf's CPU feature detection (runtime/src/cpu.c: cpuid and XCR0) agrees
// with LLVM's host feature list for every feature MELF has a bit for
// (MELF_X86_FEATURE_NAMES are LLVM's names), so `auto` and the checks before
// a switch see the CPU as the compiler does.
#include "internal.h"
#include "melf/abi.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/TargetParser/Host.h"
#include "gtest/gtest.h"

TEST(CpuFeatures, AgreeWithLLVMHostFeatures) {
#if defined(__x86_64__)
  llvm::StringMap<bool> Host = llvm::sys::getHostCPUFeatures();
  ASSERT_FALSE(Host.empty()) << "LLVM reports no host features";
  static const char *const Names[] = MELF_X86_FEATURE_NAMES;
  uint64_t Mine = melf_cpu_features();
  for (unsigned B = 0; B < MELF_X86_FEATURE_COUNT; ++B) {
    auto It = Host.find(Names[B]);
    ASSERT_NE(It, Host.end()) << "LLVM does not know the feature " << Names[B];
    EXPECT_EQ(bool(Mine & MELF_BIT(B)), It->second)
        << Names[B] << ": libmelf says " << bool(Mine & MELF_BIT(B))
        << ", LLVM says " << It->second;
  }
#else
  GTEST_SKIP() << "x86-64 only";
#endif
}

// AArch64: the hwcap words qemu-aarch64 7.2 reports for its CPU models
// (getauxval under qemu) map to the bits abi.h's masks expect.
TEST(CpuFeatures, AArch64Hwcaps) {
  // cortex-a72: Armv8.0 with the crypto extensions and CRC32.
  EXPECT_EQ(melf_cpu_features_from_hwcap(0x8fb, 0) & MELF_AARCH64_V8_2_MASK,
            MELF_AARCH64_V8_MASK | MELF_BIT(MELF_AARCH64_CRC));
  // neoverse-n1: Armv8.2 with the dot product, no SVE.
  uint64_t N1 = melf_cpu_features_from_hwcap(0x119ffb, 0);
  EXPECT_EQ(N1 & MELF_AARCH64_V8_2_MASK, uint64_t(MELF_AARCH64_V8_2_MASK));
  EXPECT_TRUE(N1 & MELF_BIT(MELF_AARCH64_DOTPROD));
  EXPECT_FALSE(N1 & MELF_BIT(MELF_AARCH64_SVE));
  // max: SVE2, but neither DIT nor LSE2 (USCAT): no Armv8.4.
  uint64_t Max = melf_cpu_features_from_hwcap(0xecfffffb, 0x7f877fff);
  EXPECT_TRUE(Max & MELF_BIT(MELF_AARCH64_SVE2));
  EXPECT_FALSE(Max & MELF_BIT(MELF_AARCH64_DIT));
  EXPECT_NE(Max & MELF_AARCH64_V8_4_MASK, uint64_t(MELF_AARCH64_V8_4_MASK));
  // AES needs both AES and PMULL.
  EXPECT_FALSE(melf_cpu_features_from_hwcap(1u << 3, 0) &
               MELF_BIT(MELF_AARCH64_AES));
  // Every assigned bit has an entry: all hwcaps set gives every bit.
  EXPECT_EQ(melf_cpu_features_from_hwcap(~0ull, ~0ull),
            melf_isa_assigned(MELF_ARCH_AARCH64));
}
