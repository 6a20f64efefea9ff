//===- AArch64Features.cpp - MELF_AARCH64_* bits of a CPU and features ----===//
//
// The ISA requirement of an AArch64 variant: the bits of
// enum melf_aarch64_feature that a target CPU and a target-features list
// enable, by LLVM's AArch64 target parser (architecture versions, CPUs and
// extension dependencies). A few bits stand for features the backend
// implies from the architecture version and the target parser does not list
// as extensions (ccpp, lse2, rcpc-immo, altnzcv, fptoint, ccdp).
//
//===----------------------------------------------------------------------===//

#include "VariantConfig.h"
#include "melf/abi.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/TargetParser/AArch64TargetParser.h"

using namespace llvm;

namespace melf {

static int bitOf(StringRef LLVMName) {
  static const char *const Names[] = MELF_AARCH64_FEATURE_NAMES;
  for (unsigned I = 0; I < MELF_AARCH64_FEATURE_COUNT; ++I)
    if (LLVMName == Names[I])
      return int(I);
  return -1;
}

// Bits the backend implies from an architecture version alone.
static uint64_t archImpliedBits(const AArch64::ArchInfo &A) {
  uint64_t Bits = 0;
  if (A.is_superset(AArch64::ARMV8_2A))
    Bits |= MELF_BIT(MELF_AARCH64_CCPP);
  if (A.is_superset(AArch64::ARMV8_4A))
    Bits |= MELF_BIT(MELF_AARCH64_RCPC_IMMO) | MELF_BIT(MELF_AARCH64_LSE2);
  if (A.is_superset(AArch64::ARMV8_5A))
    Bits |= MELF_BIT(MELF_AARCH64_ALTNZCV) | MELF_BIT(MELF_AARCH64_FPTOINT) |
            MELF_BIT(MELF_AARCH64_CCDP);
  return Bits;
}

Expected<uint64_t> VariantConfig::aarch64FeatureBits(
    StringRef CPU, ArrayRef<std::string> Features, bool Strict) {
  AArch64::ExtensionSet Set;
  uint64_t Implied = 0;  // bits without a target-parser extension
  uint64_t Removed = 0;  // ... turned off by "-name"
  if (!CPU.empty() && CPU != "generic") {
    std::optional<AArch64::CpuInfo> Info = AArch64::parseCpu(CPU);
    if (!Info)
      return createStringError(inconvertibleErrorCode(),
                               "unknown AArch64 CPU '" + CPU + "'");
    Set.addCPUDefaults(*Info);
  }
  for (StringRef F : Features) {
    if (F.size() < 2 || (F[0] != '+' && F[0] != '-'))
      return createStringError(inconvertibleErrorCode(),
                               "feature '" + F +
                                   "' must start with '+' or '-'");
    bool On = F[0] == '+';
    StringRef Name = F.drop_front();
    if (std::optional<AArch64::ArchInfo> A =
            AArch64::ArchInfo::findBySubArch(Name)) {
      if (On) { // "+v8.2a": the version's mandatory extensions
        const AArch64::ArchInfo *Base = Set.BaseArch;
        Set.addArchDefaults(*AArch64::parseArch(A->Name));
        if (Base && !Set.BaseArch->is_superset(*Base))
          Set.BaseArch = Base;
      }
      continue;
    }
    if (std::optional<AArch64::ExtensionInfo> E =
            AArch64::targetFeatureToExtension(("+" + Name).str())) {
      if (On)
        Set.enable(E->ID);
      else
        Set.disable(E->ID);
      continue;
    }
    if (int B = bitOf(Name); B >= 0) {
      (On ? Implied : Removed) |= MELF_BIT(B);
      continue;
    }
    if (Strict)
      return createStringError(inconvertibleErrorCode(),
                               "unknown AArch64 feature '" + Name +
                                   "' (LLVM feature names, e.g. +dotprod, "
                                   "+sve2, +lse, +v8.2a)");
  }
  uint64_t Bits = Implied;
  if (Set.BaseArch)
    Bits |= archImpliedBits(*Set.BaseArch);
  for (const AArch64::ExtensionInfo &E : AArch64::Extensions)
    if (Set.Enabled.test(E.ID) && E.PosTargetFeature.size() > 1)
      if (int B = bitOf(E.PosTargetFeature.drop_front()); B >= 0)
        Bits |= MELF_BIT(B);
  return Bits & ~Removed;
}

std::vector<std::string> VariantConfig::aarch64ArchFeatures(StringRef Arch) {
  std::vector<std::string> Out;
  if (const AArch64::ArchInfo *A = AArch64::parseArch(Arch)) {
    AArch64::ExtensionSet Set;
    Set.addArchDefaults(*A);
    Set.toLLVMFeatureList(Out);
  }
  return Out;
}

} // namespace melf
