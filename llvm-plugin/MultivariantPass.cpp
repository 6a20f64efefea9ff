//===- MultivariantPass.cpp - clone marked functions per variant ----------===//

#include "MultivariantPass.h"
#include "AsanHelpers.h"
#include "melf/abi.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/xxhash.h"
#include "llvm/Transforms/Instrumentation/AddressSanitizer.h"
#include "llvm/Transforms/Utils/Cloning.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"

using namespace llvm;

namespace melf {

static_assert(sizeof(melf_group_header) == 16, "group header layout");
static_assert(sizeof(melf_group_entry) == 64, "group entry layout");

namespace {

// Records are read by the linker byte for byte: a sanitizer must not pad
// them with redzones (a -fsanitize=address compile would otherwise break
// the concatenated records).
void markRecord(GlobalVariable &GV) {
  GlobalValue::SanitizerMetadata Meta;
  Meta.NoAddress = true;
  Meta.NoHWAddress = true;
  GV.setSanitizerMetadata(Meta);
}

/// One multivariant function: its default body and the variants it gets.
struct Mark {
  std::vector<const VariantDef *> Variants;
};

class Multiversioner {
public:
  Multiversioner(Module &M, const VariantConfig &C) : M(M), Ctx(M.getContext()), C(C) {}
  bool run();

private:
  void error(const GlobalValue *GV, const Twine &Msg);
  void collectAnnotations();
  void addMark(Function *F, StringRef List, const GlobalValue *Where);
  bool checkMarked(Function &F);
  void applyVariant(Function &Clone, const VariantDef &V);
  void shieldDefault(Function &F);
  void emitGroup(Function &F, ArrayRef<std::pair<Function *, const VariantDef *>>,
                 bool WholeFile = false);
  bool runAsVariant();
  void markWholeFile();
  std::string staticKey(StringRef Name) const;
  std::string variantKey(StringRef V) const;
  void emitDataRecord(ArrayRef<std::pair<GlobalVariable *, uint64_t>> Vars);
  void placeViewLocal(GlobalVariable &GV);
  void foldCompiledVariant();
  Constant *variantNameString(StringRef Name);

  Module &M;
  LLVMContext &Ctx;
  const VariantConfig &C;
  MapVector<Function *, Mark> Marks;
  SmallVector<GlobalVariable *, 8> ViewLocals;
  DenseMap<Function *, const VariantDef *> CloneVariant;
  StringMap<Constant *> NameStrings;
  SmallVector<GlobalValue *, 32> Used;
  VariantDef AsVariant; // -fplugin-arg-melf-as-variant
};

} // namespace

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
    if (Str == "melf.view_local") {
      if (auto *Var = dyn_cast<GlobalVariable>(GV))
        ViewLocals.push_back(Var);
    } else if (Str == "melf.variant" || Str.starts_with("melf.variant=")) {
      if (auto *F = dyn_cast<Function>(GV))
        addMark(F, Str.drop_front(strlen("melf.variant")).drop_while(
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

void Multiversioner::emitGroup(
    Function &F, ArrayRef<std::pair<Function *, const VariantDef *>> Clones,
    bool WholeFile) {
  Type *I16 = Type::getInt16Ty(Ctx), *I32 = Type::getInt32Ty(Ctx),
       *I64 = Type::getInt64Ty(Ctx), *Ptr = PointerType::getUnqual(Ctx);
  auto *NameTy = ArrayType::get(Type::getInt8Ty(Ctx), MELF_NAME_MAX);
  auto *HdrTy = StructType::get(Ctx, {I32, I16, I16, I32, I32});
  auto *EntTy = StructType::get(Ctx, {Ptr, I64, I32, I32, NameTy, I64});
  auto *ArrTy = ArrayType::get(EntTy, Clones.size() + 1);
  auto *GrpTy = StructType::get(Ctx, {HdrTy, ArrTy});

  Constant *Hdr = ConstantStruct::get(
      HdrTy, {ConstantInt::get(I32, MELF_GROUP_MAGIC),
              ConstantInt::get(I16, MELF_OBJ_VERSION),
              ConstantInt::get(I16, sizeof(melf_group_header)),
              ConstantInt::get(I32, Clones.size() + 1),
              ConstantInt::get(I32, sizeof(melf_group_entry))});
  auto Entry = [&](Function *Body, StringRef Name, uint64_t ISA, uint32_t Arch,
                   uint32_t Flags) {
    std::string Padded = Name.str();
    Padded.resize(MELF_NAME_MAX, '\0');
    // no_cfi: the body itself, never a CFI jump table entry (LowerTypeTests
    // replaces the other address-taken uses of a function with its entry).
    return ConstantStruct::get(
        EntTy, {NoCFIValue::get(Body), ConstantInt::get(I64, ISA),
                ConstantInt::get(I32, Arch),
                ConstantInt::get(I32, Flags),
                ConstantDataArray::getString(Ctx, Padded, /*AddNull=*/false),
                ConstantInt::get(I64, 0)});
  };
  SmallVector<Constant *, 8> Ents;
  Ents.push_back(Entry(&F, MELF_DEFAULT_VARIANT, 0, 0, MELF_VF_DEFAULT));
  for (auto [Cl, V] : Clones) {
    // Record what the clone really is: an -O0 compile keeps `size` optnone.
    uint32_t Flags = V->flags() & ~(MELF_VF_SIZE | MELF_VF_OPTNONE);
    if (Cl->hasFnAttribute(Attribute::OptimizeNone))
      Flags |= MELF_VF_OPTNONE;
    else if (Cl->hasFnAttribute(Attribute::OptimizeForSize) &&
             (V->flags() & MELF_VF_SIZE))
      Flags |= MELF_VF_SIZE;
    if (WholeFile)
      Flags = V->flags() | MELF_VF_WHOLE_FILE;
    Ents.push_back(Entry(Cl, V->Name, V->ISA, V->Arch, Flags));
  }
  Constant *Init = ConstantStruct::get(GrpTy, {Hdr, ConstantArray::get(ArrTy, Ents)});

  const DataLayout &DL = M.getDataLayout();
  if (DL.getTypeAllocSize(GrpTy) !=
      sizeof(melf_group_header) + Ents.size() * sizeof(melf_group_entry)) {
    error(&F, "internal error: .melf.group record has the wrong size for "
              "this target's data layout");
    return;
  }
  auto *GV = new GlobalVariable(M, GrpTy, /*isConstant=*/true,
                                GlobalValue::PrivateLinkage, Init,
                                "__melf_group." + F.getName());
  GV->setSection(MELF_GROUP_SECTION);
  GV->setAlignment(Align(8));
  if (!WholeFile) {
    GV->setComdat(F.getComdat());
    // SHF_LINK_ORDER -> the default body: kept and dropped with it. (A
    // whole-file variant's default body is in another object: ld.melf ties
    // the clone to it.)
    GV->setMetadata(LLVMContext::MD_associated,
                    MDNode::get(Ctx, ValueAsMetadata::get(&F)));
  }
  // SHF_EXCLUDE: a linker that does not know MELF drops the record.
  GV->setMetadata(LLVMContext::MD_exclude, MDNode::get(Ctx, {}));
  markRecord(*GV);
  Used.push_back(GV);
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
  for (Function &F : M) {
    if (F.isDeclaration())
      continue;
    if (F.hasFnAttribute("melf.variants")) {
      addMark(&F, F.getFnAttribute("melf.variants").getValueAsString(), &F);
      F.removeFnAttr("melf.variants");
    }
    if (C.matchesFunctionList(F.getName()))
      addMark(&F, "", &F);
  }
  for (GlobalVariable &GV : M.globals())
    if (GV.hasAttribute("melf.view_local")) {
      ViewLocals.push_back(&GV);
      GV.setAttributes(GV.getAttributes().removeAttribute(Ctx, "melf.view_local"));
    }

  bool Changed = !Marks.empty() || !ViewLocals.empty();
  SmallVector<std::pair<Function *, const VariantDef *>, 8> AsanClones;
  for (auto &[F, Mk] : Marks) {
    if (F->isDeclaration() || !checkMarked(*F))
      continue;
    SmallVector<std::pair<Function *, const VariantDef *>, 8> Clones;
    for (const VariantDef *V : Mk.Variants) {
      ValueToValueMapTy VMap;
      Function *Cl = CloneFunction(F, VMap);
      Cl->setName(F->getName() + MELF_CLONE_INFIX + V->Name);
      Cl->setLinkage(GlobalValue::InternalLinkage);
      Cl->setVisibility(GlobalValue::DefaultVisibility);
      Cl->setDSOLocal(true);
      Cl->setComdat(F->getComdat());
      Cl->removeFnAttr(Attribute::AlwaysInline);
      Cl->removeFnAttr(Attribute::InlineHint);
      Cl->addFnAttr(Attribute::NoInline);
      Cl->setSection(
          (MELF_TEXT_PREFIX + V->Name + "." + F->getName()).str());
      // SHF_LINK_ORDER -> the default body: --gc-sections follows it.
      Cl->setMetadata(LLVMContext::MD_associated,
                      MDNode::get(Ctx, ValueAsMetadata::get(F)));
      // Clones are reached only through the slot: no CFI type (no jump table
      // entry of their own); kCFI's !kcfi_type stays, callers check the hash
      // before the entry of whatever variant runs there.
      Cl->eraseMetadata(LLVMContext::MD_type);
      applyVariant(*Cl, *V);
      CloneVariant[Cl] = V;
      Used.push_back(Cl);
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
    GV->setSection(MELF_SECTION_PREFIX "requires");
    GV->setMetadata(LLVMContext::MD_exclude, MDNode::get(Ctx, {}));
    markRecord(*GV);
    Used.push_back(GV);
  }
}

// The symbol a variant object of this file defines for variant V.
std::string Multiversioner::variantKey(StringRef V) const {
  return staticKey(("variant." + V).str());
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

void Multiversioner::emitDataRecord(
    ArrayRef<std::pair<GlobalVariable *, uint64_t>> Vars) {
  if (Vars.empty())
    return;
  Type *I16 = Type::getInt16Ty(Ctx), *I32 = Type::getInt32Ty(Ctx),
       *I64 = Type::getInt64Ty(Ctx), *Ptr = PointerType::getUnqual(Ctx);
  auto *HdrTy = StructType::get(Ctx, {I32, I16, I16, I32, I32});
  auto *EntTy = StructType::get(Ctx, {Ptr, I64});
  auto *ArrTy = ArrayType::get(EntTy, Vars.size());
  auto *RecTy = StructType::get(Ctx, {HdrTy, ArrTy});
  Constant *Hdr = ConstantStruct::get(
      HdrTy, {ConstantInt::get(I32, MELF_DATA_MAGIC),
              ConstantInt::get(I16, MELF_OBJ_VERSION),
              ConstantInt::get(I16, sizeof(melf_group_header)),
              ConstantInt::get(I32, Vars.size()),
              ConstantInt::get(I32, sizeof(melf_data_entry))});
  SmallVector<Constant *, 16> Ents;
  for (auto [GV, Size] : Vars)
    Ents.push_back(ConstantStruct::get(EntTy, {GV, ConstantInt::get(I64, Size)}));
  auto *Rec = new GlobalVariable(
      M, RecTy, true, GlobalValue::PrivateLinkage,
      ConstantStruct::get(RecTy, {Hdr, ConstantArray::get(ArrTy, Ents)}),
      "__melf_data");
  Rec->setSection(MELF_DATA_SECTION);
  Rec->setAlignment(Align(8));
  Rec->setMetadata(LLVMContext::MD_exclude, MDNode::get(Ctx, {}));
  markRecord(*Rec);
  Used.push_back(Rec);
}

PreservedAnalyses MultivariantPass::run(Module &M, ModuleAnalysisManager &) {
  Multiversioner MV(M, *Config);
  return MV.run() ? PreservedAnalyses::none() : PreservedAnalyses::all();
}

static bool moduleHasAsanClones(const Module &M) {
  for (const Function &F : M)
    if (!F.isDeclaration() && F.hasFnAttribute(Attribute::SanitizeAddress) &&
        F.getName().contains(MELF_CLONE_INFIX))
      return true;
  return false;
}

// ASan clones need the ASan pass although the compile is not
// -fsanitize=address. Globals are not instrumented (their redzones would
// change sizes every variant shares), leak detection is off by default (the
// uninstrumented rest of the program would look leaky); ASAN_OPTIONS still
// overrides it.
PreservedAnalyses MELFAsanPass::run(Module &M, ModuleAnalysisManager &AM) {
  if (!moduleHasAsanClones(M) || M.getFunction("asan.module_ctor"))
    return PreservedAnalyses::all();
  // The option is process-wide: switch it off for this module only.
  cl::opt<bool> *Globals = static_cast<cl::opt<bool> *>(
      cl::getRegisteredOptions().lookup("asan-globals"));
  bool OldGlobals = Globals ? bool(*Globals) : false;
  if (Globals)
    *Globals = false;
  Function *Existing = M.getFunction("__asan_default_options");
  if (!Existing || (Existing->isDeclaration() &&
                    Existing->getFunctionType()->getNumParams() == 0)) {
    LLVMContext &Ctx = M.getContext();
    auto *FTy = FunctionType::get(PointerType::getUnqual(Ctx), false);
    // Strong, in a comdat of its own: it must beat the ASan runtime's weak
    // default (linked first), and several MELF objects must not collide.
    Function *F = Existing ? Existing
                           : Function::Create(FTy, GlobalValue::ExternalLinkage,
                                              "__asan_default_options", M);
    F->setLinkage(GlobalValue::ExternalLinkage);
    F->setComdat(M.getOrInsertComdat(F->getName()));
    F->addFnAttr(Attribute::NoUnwind);
    F->addFnAttr(Attribute::DisableSanitizerInstrumentation);
    IRBuilder<> B(BasicBlock::Create(Ctx, "", F));
    B.CreateRet(B.CreateGlobalStringPtr("detect_leaks=0", "__melf_asan_opts"));
    appendToCompilerUsed(M, {F});
  }
  AddressSanitizerOptions AO;
  PreservedAnalyses PA = AddressSanitizerPass(AO).run(M, AM);
  if (Globals)
    *Globals = OldGlobals;
  return PA;
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
