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
