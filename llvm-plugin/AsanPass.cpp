//===- AsanPass.cpp - AddressSanitizer for asan clones --------------------===//
//
// `melf-asan` (MELFAsanPass.h): a compile that is not -fsanitize=address
// still needs ASan's instrumentation for the asan clones the `melf` pass
// made, and nothing else of the module instrumented.
//
//===----------------------------------------------------------------------===//

#include "MultivariantPass.h"
#include "melf/abi.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/Transforms/Instrumentation/AddressSanitizer.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"

using namespace llvm;

namespace melf {

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
  // No global of this module gets redzones (ASan reads this per global).
  for (GlobalVariable &GV : M.globals()) {
    GlobalValue::SanitizerMetadata Meta =
        GV.hasSanitizerMetadata() ? GV.getSanitizerMetadata()
                                  : GlobalValue::SanitizerMetadata();
    Meta.NoAddress = true;
    GV.setSanitizerMetadata(Meta);
  }
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
  return AddressSanitizerPass(AO).run(M, AM);
}

} // namespace melf
