//===- MultivariantPass.cpp - clone marked functions per variant ----------===//
//
// The `melf` pass: marks, clones, the default body's shield, view-local
// globals, melf_compiled_variant() folding, and the registration of both
// passes. Records: GroupRecord.cpp; whole-file builds: WholeFile.cpp; ASan:
// AsanPass.cpp, AsanHelpers.cpp (Multiversioner.h lists the files).
//
//===----------------------------------------------------------------------===//

#include "MultivariantPass.h"
#include "AsanHelpers.h"
#include "Multiversioner.h"
#include "melf/abi.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Transforms/Utils/Cloning.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"

using namespace llvm;

namespace melf {

void Multiversioner::error(const GlobalValue *GV, const Twine &Msg) {
  if (const auto *F = dyn_cast_or_null<Function>(GV))
    Ctx.diagnose(DiagnosticInfoUnsupported(*F, "MELF: " + Msg));
  else
    Ctx.emitError("MELF: " + Msg);
}

void Multiversioner::addMark(Function *F, StringRef List,
                             const GlobalValue *Where) {
  Mark &Mk = Marks[F];
  SmallVector<StringRef, 8> Names;
  List.split(Names, ',', -1, /*KeepEmpty=*/false);
  std::vector<std::string> Bare;
  if (Names.empty()) {
    if (C.configured().empty()) {
      error(Where, "function '" + F->getName() +
                       "' is marked multivariant but no variants are "
                       "configured (-fplugin-arg-melf-variants=...)");
      return;
    }
    Bare = C.configured();
    for (const std::string &N : Bare)
      Names.push_back(N);
  }
  for (StringRef N : Names) {
    N = N.trim();
    if (N == MELF_DEFAULT_VARIANT)
      continue; // the default body always exists
    const VariantDef *V = C.find(N);
    if (!V) {
      error(Where, "unknown variant '" + N + "' on function '" +
                       F->getName() + "'");
      continue;
    }
    if (!is_contained(Mk.Variants, V))
      Mk.Variants.push_back(V);
  }
}

// Marks come from llvm.global.annotations entries the Clang plugin created
// ("melf.variant[=a,b]" on functions, "melf.view_local" on globals). The
// entries are consumed: later passes and the object never see them.
void Multiversioner::collectAnnotations() {
  GlobalVariable *Ann = M.getGlobalVariable("llvm.global.annotations");
  if (!Ann || !Ann->hasInitializer())
    return;
  auto *Arr = dyn_cast<ConstantArray>(Ann->getInitializer());
  if (!Arr)
    return;
  SmallVector<Constant *, 16> Keep;
  for (Value *Op : Arr->operands()) {
    auto *CS = dyn_cast<ConstantStruct>(Op);
    if (!CS || CS->getNumOperands() < 2) {
      Keep.push_back(cast<Constant>(Op));
      continue;
    }
    auto *GV = dyn_cast<GlobalValue>(CS->getOperand(0)->stripPointerCasts());
    auto *StrGV =
        dyn_cast<GlobalVariable>(CS->getOperand(1)->stripPointerCasts());
    StringRef Str;
    if (StrGV && StrGV->hasInitializer())
      if (auto *CDA = dyn_cast<ConstantDataArray>(StrGV->getInitializer()))
        if (CDA->isCString())
          Str = CDA->getAsCString();
    if (!GV || !Str.starts_with("melf.")) {
      Keep.push_back(cast<Constant>(Op));
      continue;
    }
    if (Str == MELF_IR_VIEW_LOCAL_ANNOTATION) {
      if (auto *Var = dyn_cast<GlobalVariable>(GV))
        ViewLocals.push_back(Var);
    } else if (Str == MELF_IR_VARIANT_ANNOTATION ||
               Str.starts_with(MELF_IR_VARIANT_ANNOTATION "=")) {
      if (auto *F = dyn_cast<Function>(GV))
        addMark(F, Str.drop_front(strlen(MELF_IR_VARIANT_ANNOTATION)).drop_while(
                       [](char Ch) { return Ch == '='; }),
                F);
    } else {
      Keep.push_back(cast<Constant>(Op));
    }
  }
  if (Keep.size() == Arr->getNumOperands())
    return;
  if (Keep.empty()) {
    Ann->eraseFromParent();
    return;
  }
  auto *Ty = ArrayType::get(Arr->getType()->getElementType(), Keep.size());
  auto *NewAnn = new GlobalVariable(M, Ty, Ann->isConstant(), Ann->getLinkage(),
                                    ConstantArray::get(Ty, Keep), "", Ann);
  NewAnn->setSection(Ann->getSection());
  NewAnn->takeName(Ann);
  Ann->eraseFromParent();
}

bool Multiversioner::checkMarked(Function &F) {
  if (F.hasSection()) {
    error(&F, "multivariant function '" + F.getName() +
                  "' cannot have an explicit section ('" + F.getSection() +
                  "'): MELF places every body itself");
    return false;
  }
  if (F.hasFnAttribute(Attribute::Naked)) {
    error(&F, "naked function '" + F.getName() + "' cannot be multivariant");
    return false;
  }
  if (F.hasFnAttribute(Attribute::AlwaysInline)) {
    error(&F, "always_inline function '" + F.getName() +
                  "' cannot be multivariant: inlined copies would bypass the "
                  "variant");
    return false;
  }
  if (F.hasAvailableExternallyLinkage())
    return false;
  return true;
}

// Every variant keeps the default's calling convention. The backend passes
// vectors wider than 128 bits in registers only with AVX (256) or AVX-512
// (512): a variant that enables those where the default body has them not
// would disagree with its callers. The Clang plugin checks attribute marks
// at the source; this covers function lists and IR marks too.
bool Multiversioner::checkVectorABI(Function &F,
                                    ArrayRef<const VariantDef *> Variants) {
  StringRef Feats = F.getFnAttribute("target-features").getValueAsString();
  auto Has = [&](StringRef Feat) {
    SmallVector<StringRef, 32> Parts;
    Feats.split(Parts, ',');
    return is_contained(Parts, ("+" + Feat).str());
  };
  const DataLayout &DL = M.getDataLayout();
  auto Widest = [&] {
    uint64_t W = 0;
    auto Look = [&](Type *T) {
      if (auto *V = dyn_cast<FixedVectorType>(T))
        W = std::max<uint64_t>(W, DL.getTypeSizeInBits(V).getFixedValue());
    };
    Look(F.getReturnType());
    for (Argument &A : F.args())
      if (!A.hasByValAttr())
        Look(A.getType());
    return W;
  }();
  bool OK = true;
  for (const VariantDef *V : Variants) {
    if (V->Arch != MELF_ARCH_X86_64)
      continue;
    uint64_t Limit = 0;
    if ((V->ISA & MELF_BIT(MELF_X86_AVX512F)) && !Has("avx512f"))
      Limit = 256;
    if ((V->ISA & MELF_BIT(MELF_X86_AVX)) && !Has("avx"))
      Limit = 128;
    if (Limit && Widest > Limit) {
      error(&F, "variant '" + V->Name + "' would pass the " + Twine(Widest) +
                    "-bit vectors of '" + F.getName() +
                    "' differently from the default body (its ABI depends on "
                    "AVX); pass them by pointer or drop the variant");
      OK = false;
    }
  }
  return OK;
}

// The default body must not be specialised on by callers: no inlining, and
// no interprocedural pass may treat it as the exact definition (a view runs
// another body at the same address). `nobuiltin` on a definition makes
// hasExactDefinition() false (GlobalValue::mayBeDerefined), which is what
// IPSCCP, function-attrs and the attributor consult; the .melf.group record
// and llvm.compiler.used are non-call uses, which stop argument promotion,
// dead-argument elimination, fastcc conversion and global DCE.
void Multiversioner::shieldDefault(Function &F) {
  F.removeFnAttr(Attribute::AlwaysInline);
  F.removeFnAttr(Attribute::InlineHint);
  F.addFnAttr(Attribute::NoInline);
  F.addFnAttr(Attribute::NoBuiltin);
  // Function specialisation (IPSCCP, also at LTO) would clone the default
  // body for constant arguments into the same section and call the copy
  // directly, past the slot; `noduplicate` is the attribute it respects.
  // It also keeps callers from duplicating calls to f (unrolling, loop
  // rotation, jump threading of blocks that call it).
  F.addFnAttr(Attribute::NoDuplicate);
  F.setSection((MELF_TEXT_PREFIX MELF_DEFAULT_VARIANT "." + F.getName()).str());
  Used.push_back(&F);
}

// Variant V's body of F, as docs/melf-abi.md ("What the pass does")
// describes a clone.
Function *Multiversioner::makeClone(Function &F, const VariantDef &V) {
  ValueToValueMapTy VMap;
  Function *Cl = CloneFunction(&F, VMap);
  Cl->setName(F.getName() + MELF_CLONE_INFIX + V.Name);
  Cl->setLinkage(GlobalValue::InternalLinkage);
  Cl->setVisibility(GlobalValue::DefaultVisibility);
  Cl->setDSOLocal(true);
  Cl->setComdat(F.getComdat());
  Cl->removeFnAttr(Attribute::AlwaysInline);
  Cl->removeFnAttr(Attribute::InlineHint);
  Cl->addFnAttr(Attribute::NoInline);
  Cl->setSection((MELF_TEXT_PREFIX + V.Name + "." + F.getName()).str());
  // SHF_LINK_ORDER -> the default body: --gc-sections follows it.
  Cl->setMetadata(LLVMContext::MD_associated,
                  MDNode::get(Ctx, ValueAsMetadata::get(&F)));
  // Clones are reached only through the slot: no CFI type (no jump table
  // entry of their own); kCFI's !kcfi_type stays, callers check the hash
  // before the entry of whatever variant runs there.
  Cl->eraseMetadata(LLVMContext::MD_type);
  applyVariant(*Cl, V);
  CloneVariant[Cl] = &V;
  Used.push_back(Cl);
  return Cl;
}

void Multiversioner::applyVariant(Function &Cl, const VariantDef &V) {
  if (!V.CPU.empty())
    Cl.addFnAttr("target-cpu", V.CPU);
  if (!V.Features.empty()) {
    std::string Feats = Cl.getFnAttribute("target-features").getValueAsString().str();
    for (const std::string &Ft : V.Features) {
      if (!Feats.empty())
        Feats += ',';
      Feats += Ft;
    }
    Cl.addFnAttr("target-features", Feats);
  }
  if (V.Asan)
    Cl.addFnAttr(Attribute::SanitizeAddress);
  switch (V.Opt) {
  case OptMode::Inherit:
    break;
  case OptMode::None:
    Cl.removeFnAttr(Attribute::OptimizeForSize);
    Cl.removeFnAttr(Attribute::MinSize);
    Cl.addFnAttr(Attribute::OptimizeNone);
    // Unoptimised code is for debugging: keep frames walkable.
    Cl.addFnAttr("frame-pointer", "all");
    break;
  case OptMode::Size:
  case OptMode::MinSize:
    // Optimisation only goes down from the compile's level: an -O0 body
    // stays optnone (optsize/minsize are invalid with optnone).
    if (!Cl.hasFnAttribute(Attribute::OptimizeNone)) {
      Cl.addFnAttr(Attribute::OptimizeForSize);
      if (V.Opt == OptMode::MinSize)
        Cl.addFnAttr(Attribute::MinSize);
    }
    break;
  }
}

void Multiversioner::placeViewLocal(GlobalVariable &GV) {
  if (GV.isDeclaration())
    return; // storage belongs to the defining translation unit
  if (GV.isThreadLocal()) {
    error(&GV, "view_local variable '" + GV.getName() +
                   "' cannot be thread-local");
    return;
  }
  if (GV.hasSection()) {
    error(&GV, "view_local variable '" + GV.getName() +
                   "' cannot have an explicit section ('" + GV.getSection() +
                   "')");
    return;
  }
  if (GV.hasCommonLinkage())
    GV.setLinkage(GlobalValue::ExternalLinkage);
  GV.setSection((MELF_VLDATA_PREFIX + GV.getName()).str());
}

Constant *Multiversioner::variantNameString(StringRef Name) {
  Constant *&S = NameStrings[Name];
  if (!S) {
    auto *Init = ConstantDataArray::getString(Ctx, Name);
    auto *GV = new GlobalVariable(M, Init->getType(), true,
                                  GlobalValue::PrivateLinkage, Init,
                                  "__melf_variant_name." + Name);
    GV->setUnnamedAddr(GlobalValue::UnnamedAddr::Global);
    GV->setAlignment(Align(1));
    S = GV;
  }
  return S;
}

// melf_compiled_variant() is the name of the variant the calling body was
// compiled as: "default" everywhere except in clones.
void Multiversioner::foldCompiledVariant() {
  Function *Decl = M.getFunction(MELF_COMPILED_VARIANT_FN);
  if (!Decl)
    return;
  if (!Decl->isDeclaration()) {
    return; // the runtime's own fallback definition: leave it alone
  }
  for (User *U : make_early_inc_range(Decl->users())) {
    auto *CB = dyn_cast<CallBase>(U);
    if (!CB || CB->getCalledOperand() != Decl)
      continue;
    Function *Caller = CB->getFunction();
    const VariantDef *V = CloneVariant.lookup(Caller);
    Constant *S = variantNameString(V ? StringRef(V->Name)
                                      : StringRef(MELF_DEFAULT_VARIANT));
    if (!CB->getType()->isPointerTy()) {
      error(Caller, "'" MELF_COMPILED_VARIANT_FN
                    "' must be declared as 'const char *(void)'");
      return;
    }
    CB->replaceAllUsesWith(S);
    if (auto *II = dyn_cast<InvokeInst>(CB))
      BranchInst::Create(II->getNormalDest(), II->getIterator());
    CB->eraseFromParent();
  }
  if (Decl->use_empty())
    Decl->eraseFromParent();
}

bool Multiversioner::run() {
  collectAnnotations();
  if (!C.asVariant().empty())
    return runAsVariant();
  if (C.wholeFile())
    markWholeFile();
  SmallVector<bool, 8> ListHits(C.functionGlobs().size(), false);
  for (Function &F : M) {
    if (F.isDeclaration())
      continue;
    if (F.hasFnAttribute(MELF_IR_VARIANTS_ATTR)) {
      addMark(&F, F.getFnAttribute(MELF_IR_VARIANTS_ATTR).getValueAsString(),
              &F);
      F.removeFnAttr(MELF_IR_VARIANTS_ATTR);
    }
    SmallVector<unsigned, 4> Hits = C.matchingFunctionGlobs(F.getName());
    for (unsigned I : Hits)
      ListHits[I] = true;
    if (!Hits.empty())
      addMark(&F, "", &F);
  }
  emitFunctionListRecord(ListHits);
  for (GlobalVariable &GV : M.globals())
    if (GV.hasAttribute(MELF_IR_VIEW_LOCAL_ATTR)) {
      ViewLocals.push_back(&GV);
      GV.setAttributes(GV.getAttributes().removeAttribute(Ctx, MELF_IR_VIEW_LOCAL_ATTR));
    }

  bool Changed =
      !Marks.empty() || !ViewLocals.empty() || !C.functionGlobs().empty();
  SmallVector<Clone, 8> AsanClones;
  for (auto &[F, Mk] : Marks) {
    if (F->isDeclaration() || !checkMarked(*F) ||
        !checkVectorABI(*F, Mk.Variants))
      continue;
    SmallVector<Clone, 8> Clones;
    for (const VariantDef *V : Mk.Variants) {
      Function *Cl = makeClone(*F, *V);
      Clones.push_back({Cl, V});
      if (V->Asan)
        AsanClones.push_back({Cl, V});
    }
    shieldDefault(*F);
    emitGroup(*F, Clones);
  }
  // Asan clones check the helpers their default bodies inline, too.
  SmallPtrSet<Function *, 16> Multivariant;
  for (auto &[F, Mk] : Marks)
    Multivariant.insert(F);
  AsanHelperCopies Helpers(Multivariant);
  for (auto [Cl, V] : AsanClones)
    Helpers.instrument(*Cl, [&, V = V](Function *Copy) { CloneVariant[Copy] = V; });
  for (GlobalVariable *GV : ViewLocals)
    placeViewLocal(*GV);
  if (M.getFunction(MELF_COMPILED_VARIANT_FN)) {
    foldCompiledVariant();
    Changed = true;
  }
  if (!Used.empty())
    appendToCompilerUsed(M, Used);
  return Changed;
}

PreservedAnalyses MultivariantPass::run(Module &M, ModuleAnalysisManager &) {
  Multiversioner MV(M, *Config);
  return MV.run() ? PreservedAnalyses::none() : PreservedAnalyses::all();
}

void registerMELFPasses(PassBuilder &PB, ConfigGetter GetConfig,
                        bool AtPipelineStart, bool AddAsan) {
  PB.registerPipelineParsingCallback(
      [GetConfig](StringRef Name, ModulePassManager &MPM,
                  ArrayRef<PassBuilder::PipelineElement>) {
        if (Name == "melf") {
          MPM.addPass(MultivariantPass(GetConfig()));
          return true;
        }
        if (Name == "melf-asan") {
          MPM.addPass(MELFAsanPass());
          return true;
        }
        return false;
      });
  if (!AtPipelineStart)
    return;
  PB.registerPipelineStartEPCallback(
      [GetConfig](ModulePassManager &MPM, OptimizationLevel) {
        MPM.addPass(MultivariantPass(GetConfig()));
      });
  if (AddAsan)
    PB.registerOptimizerLastEPCallback(
        [](ModulePassManager &MPM, OptimizationLevel) {
          MPM.addPass(MELFAsanPass());
        });
}

} // namespace melf
