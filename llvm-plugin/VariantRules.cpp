//===- VariantRules.cpp - which functions can be multivariant -------------===//

#include "VariantRules.h"
#include "VariantConfig.h"
#include "melf/abi.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/AST/Decl.h"
#include "clang/Basic/TargetInfo.h"
#include "llvm/ADT/Twine.h"

using namespace clang;

namespace melf {

std::vector<VariantProblem> attributeConflicts(const FunctionDecl &FD,
                                               SourceLocation AttrLoc) {
  std::vector<VariantProblem> Out;
  auto Conflict = [&](const char *What) {
    Out.push_back(
        {AttrLoc, (llvm::Twine("'variant' cannot be combined with '") + What +
                   "' on '" + FD.getName() + "'")
                      .str()});
  };
  if (FD.hasAttr<AlwaysInlineAttr>())
    Conflict("always_inline");
  if (FD.hasAttr<NakedAttr>())
    Conflict("naked");
  if (FD.hasAttr<TargetAttr>())
    Conflict("target");
  if (FD.hasAttr<TargetClonesAttr>())
    Conflict("target_clones");
  if (FD.hasAttr<TargetVersionAttr>())
    Conflict("target_version");
  if (FD.hasAttr<CPUSpecificAttr>() || FD.hasAttr<CPUDispatchAttr>())
    Conflict("cpu_specific/cpu_dispatch");
  if (FD.hasAttr<SectionAttr>())
    Conflict("section");
  if (FD.isConsteval())
    Conflict("consteval");
  return Out;
}

// Vectors wider than 128 bits are passed in registers only with AVX (256)
// or AVX-512 (512): a variant that enables those would disagree with its
// callers.
std::vector<VariantProblem> vectorABIProblems(
    const ASTContext &Ctx, const VariantConfig &Config, const FunctionDecl &FD,
    llvm::ArrayRef<llvm::StringRef> Variants, SourceLocation AttrLoc) {
  std::vector<VariantProblem> Out;
  const TargetInfo &TI = Ctx.getTargetInfo();
  for (llvm::StringRef N : Variants) {
    const VariantDef *V = Config.find(N);
    if (!V || V->Arch != MELF_ARCH_X86_64)
      continue;
    uint64_t Limit = 0;
    if ((V->ISA & MELF_BIT(MELF_X86_AVX512F)) && !TI.hasFeature("avx512f"))
      Limit = 256;
    if ((V->ISA & MELF_BIT(MELF_X86_AVX)) && !TI.hasFeature("avx"))
      Limit = 128;
    if (!Limit)
      continue;
    auto Check = [&](QualType T, SourceLocation Loc) {
      QualType C = T.getCanonicalType();
      if (!C->isVectorType() || C->isDependentType() ||
          Ctx.getTypeSize(C) <= Limit)
        return;
      Out.push_back({Loc, ("variant '" + N + "' would pass vector type '" +
                           T.getAsString() +
                           "' differently from the default body (its ABI "
                           "depends on AVX); pass it by pointer or drop the "
                           "variant")
                              .str()});
    };
    Check(FD.getReturnType(), AttrLoc);
    for (const ParmVarDecl *P : FD.parameters())
      Check(P->getType(), P->getLocation());
  }
  return Out;
}

std::vector<VariantProblem> variantProblems(
    const ASTContext &Ctx, const VariantConfig &Config, const FunctionDecl &FD,
    llvm::ArrayRef<llvm::StringRef> Variants, SourceLocation AttrLoc) {
  std::vector<VariantProblem> Out = attributeConflicts(FD, AttrLoc);
  std::vector<VariantProblem> ABI =
      vectorABIProblems(Ctx, Config, FD, Variants, AttrLoc);
  Out.insert(Out.end(), ABI.begin(), ABI.end());
  return Out;
}

} // namespace melf
