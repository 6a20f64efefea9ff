//===- WholeFile.cpp - whole-file variant builds --------------------------===//
//
// docs/variants.md, "Whole-file variants": the default build of a file makes
// every function multivariant and gives statics a hidden alias; a variant
// build (as-variant=NAME) makes every function NAME's body of the same
// function and records the variables it uses.
//
//===----------------------------------------------------------------------===//

#include "Multiversioner.h"
#include "melf/abi.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/Constants.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/xxhash.h"
#include "llvm/TargetParser/Triple.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"

using namespace llvm;

namespace melf {

// The name by which another object reaches a static function or variable of
// this file: the same in the default build and in every variant build of the
// file, as long as they are compiled from the same source file name.
std::string Multiversioner::staticKey(StringRef Name) const {
  std::string Id;
  raw_string_ostream(Id) << format_hex_no_prefix(
      xxh3_64bits(M.getSourceFileName()), 16);
  return (MELF_STATIC_PREFIX + Id + "." + Name).str();
}

static bool isWholeFileCandidate(const Function &F) {
  return !F.isDeclaration() && !F.isIntrinsic() && !F.hasSection() &&
         !F.hasFnAttribute(Attribute::Naked) &&
         !F.hasFnAttribute(Attribute::AlwaysInline) &&
         (F.hasExternalLinkage() || F.hasLocalLinkage());
}

// The default build of a file that has whole-file variants: every function
// it defines (or the listed ones) is multivariant, so a variant object can
// add its body to the slot; statics get a hidden alias the variant objects
// refer to. Inline (ODR) functions are not: each object keeps its own copy.
void Multiversioner::markWholeFile() {
  for (Function &F : M) {
    if (!isWholeFileCandidate(F) || F.getName().starts_with(MELF_STATIC_PREFIX))
      continue;
    if (!C.functionGlobs().empty() && !C.matchesFunctionList(F.getName()))
      continue;
    Marks[&F]; // no clones of its own; a variant object brings them
  }
  SmallVector<GlobalValue *, 16> Statics;
  for (auto &[F, Mk] : Marks)
    if (F->hasLocalLinkage())
      Statics.push_back(F);
  for (GlobalVariable &GV : M.globals())
    if (GV.hasInternalLinkage() && !GV.isConstant() && !GV.isDeclaration() &&
        !GV.getName().starts_with("llvm.") && !GV.getName().starts_with("__melf"))
      Statics.push_back(&GV);
  for (GlobalValue *GV : Statics) {
    auto *A = GlobalAlias::create(GV->getValueType(), GV->getAddressSpace(),
                                  GlobalValue::ExternalLinkage,
                                  staticKey(GV->getName()), GV, &M);
    A->setVisibility(GlobalValue::HiddenVisibility);
  }
  // `whole-file=V,...`: require the variant objects, so that a link pulls
  // them out of an archive together with this object (and fails, naming the
  // variant, when one is missing).
  SmallVector<Constant *, 4> Reqs;
  for (const std::string &V : C.wholeFileVariants())
    Reqs.push_back(M.getOrInsertGlobal(variantKey(V),
                                       Type::getInt8Ty(Ctx)));
  if (!Reqs.empty()) {
    auto *Ty = ArrayType::get(PointerType::getUnqual(Ctx), Reqs.size());
    auto *GV = new GlobalVariable(M, Ty, true, GlobalValue::PrivateLinkage,
                                  ConstantArray::get(Ty, Reqs),
                                  "__melf_requires");
    GV->setSection(MELF_REQUIRES_SECTION);
    GV->setMetadata(LLVMContext::MD_exclude, MDNode::get(Ctx, {}));
    markRecord(*GV);
    Used.push_back(GV);
  }
}

// The symbol a variant object of this file defines for variant V.
std::string Multiversioner::variantKey(StringRef V) const {
  return staticKey((MELF_VARIANT_KEY + V).str());
}

// This file compiled again as variant V (any compiler flags): its function
// definitions become V's bodies of the same-named functions of the default
// build, its variables refer to the default build's storage, and calls go
// through the default symbols (the slots). ODR (inline) functions become
// private copies; unlisted functions become declarations.
bool Multiversioner::runAsVariant() {
  Marks.clear();
  const DataLayout &DL = M.getDataLayout();
  AsVariant.Name = C.asVariant();
  AsVariant.Description = "whole-file variant";
  for (Function &F : M) {
    if (F.isDeclaration())
      continue;
    if (F.hasFnAttribute(Attribute::SanitizeAddress))
      AsVariant.Asan = true;
    if (AsVariant.CPU.empty() && F.hasFnAttribute("target-cpu")) {
      AsVariant.CPU = F.getFnAttribute("target-cpu").getValueAsString().str();
      SmallVector<StringRef, 16> Feats;
      F.getFnAttribute("target-features").getValueAsString().split(Feats, ',',
                                                                   -1, false);
      for (StringRef Ft : Feats)
        AsVariant.Features.push_back(Ft.str());
    }
  }
  if (Triple(M.getTargetTriple()).getArch() == Triple::x86_64 &&
      !AsVariant.CPU.empty()) {
    Expected<uint64_t> Bits =
        VariantConfig::x86FeatureBits(AsVariant.CPU, AsVariant.Features);
    if (Bits) {
      AsVariant.ISA = *Bits;
      AsVariant.Arch = MELF_ARCH_X86_64;
    } else {
      consumeError(Bits.takeError());
    }
  }
  // AArch64: the compile's features; the Armv8.0 baseline every AArch64
  // Linux system has (FP, Advanced SIMD) is no requirement, as the x86-64
  // baseline has no bits.
  if (Triple(M.getTargetTriple()).getArch() == Triple::aarch64) {
    Expected<uint64_t> Bits = VariantConfig::aarch64FeatureBits(
        AsVariant.CPU, AsVariant.Features, /*Strict=*/false);
    if (Bits && (*Bits & ~uint64_t(MELF_AARCH64_V8_MASK))) {
      AsVariant.ISA = *Bits;
      AsVariant.Arch = MELF_ARCH_AARCH64;
    } else if (!Bits) {
      consumeError(Bits.takeError());
    }
  }
  AsVariant.CPU.clear(); // already applied by the compile itself
  AsVariant.Features.clear();

  SmallVector<Function *, 32> Funcs;
  for (Function &F : M)
    if (!F.isDeclaration() && !F.isIntrinsic())
      Funcs.push_back(&F);
  for (Function *F : Funcs) {
    if (!F->hasExternalLinkage() && !F->hasLocalLinkage()) {
      // inline/template (ODR) and weak functions: this variant's own copy.
      F->setLinkage(GlobalValue::InternalLinkage);
      F->setVisibility(GlobalValue::DefaultVisibility);
      F->setComdat(nullptr);
      continue;
    }
    if (!isWholeFileCandidate(*F)) {
      error(F, "function '" + F->getName() +
                   "' cannot be a whole-file variant body (naked, "
                   "always_inline or in an explicit section)");
      continue;
    }
    std::string Name = F->getName().str();
    bool Listed =
        C.functionGlobs().empty() || C.matchesFunctionList(F->getName());
    std::string Key = F->hasLocalLinkage() ? staticKey(Name) : Name;
    Function *D = Function::Create(F->getFunctionType(),
                                   GlobalValue::ExternalLinkage, "", M);
    D->setCallingConv(F->getCallingConv());
    D->setAttributes(F->getAttributes());
    if (F->hasLocalLinkage())
      D->setVisibility(GlobalValue::HiddenVisibility);
    F->replaceAllUsesWith(D);
    if (!Listed) {
      F->eraseFromParent();
      D->setName(Key);
      continue;
    }
    F->setName(Name + MELF_CLONE_INFIX + AsVariant.Name);
    D->setName(Key);
    F->setLinkage(GlobalValue::InternalLinkage);
    F->setVisibility(GlobalValue::DefaultVisibility);
    F->setDSOLocal(true);
    F->removeFnAttr(Attribute::InlineHint);
    F->addFnAttr(Attribute::NoInline);
    F->setSection((MELF_TEXT_PREFIX + AsVariant.Name + "." + Name));
    CloneVariant[F] = &AsVariant;
    Used.push_back(F);
    std::pair<Function *, const VariantDef *> Clone{F, &AsVariant};
    emitGroup(*D, Clone, /*WholeFile=*/true);
  }

  // Variables live in the default build; this object only refers to them.
  // Constants local to this file (strings, tables) stay: nothing shares them.
  SmallVector<std::pair<GlobalVariable *, uint64_t>, 16> Vars;
  SmallVector<GlobalVariable *, 16> Globals;
  // Compiler-made data (private: sanitizer and profile records, literals)
  // belongs to this variant's code and stays.
  for (GlobalVariable &GV : M.globals())
    if (!GV.isDeclaration() && GV.hasName() && !GV.hasPrivateLinkage() &&
        !GV.getName().starts_with("llvm.") &&
        !GV.getName().starts_with("__melf") &&
        !(GV.hasLocalLinkage() && GV.isConstant()))
      Globals.push_back(&GV);
  for (GlobalVariable *GV : Globals) {
    std::string Name = GV->getName().str();
    std::string Key = GV->hasLocalLinkage() ? staticKey(Name) : Name;
    uint64_t Size = DL.getTypeAllocSize(GV->getValueType());
    auto *D = new GlobalVariable(M, GV->getValueType(), GV->isConstant(),
                                 GlobalValue::ExternalLinkage, nullptr, "",
                                 nullptr, GV->getThreadLocalMode(),
                                 GV->getAddressSpace());
    D->setAlignment(GV->getAlign());
    if (GV->hasLocalLinkage())
      D->setVisibility(GlobalValue::HiddenVisibility);
    GV->replaceAllUsesWith(D);
    GV->eraseFromParent();
    D->setName(Key);
    Vars.push_back({D, Size});
  }
  emitDataRecord(Vars);
  // Satisfies the default build's `whole-file=...,V` requirement.
  auto *Key = new GlobalVariable(M, Type::getInt8Ty(Ctx), true,
                                 GlobalValue::ExternalLinkage,
                                 ConstantInt::get(Type::getInt8Ty(Ctx), 0),
                                 variantKey(AsVariant.Name));
  Key->setVisibility(GlobalValue::HiddenVisibility);
  if (M.getFunction(MELF_COMPILED_VARIANT_FN))
    foldCompiledVariant();
  if (!Used.empty())
    appendToCompilerUsed(M, Used);
  return true;
}

} // namespace melf
