//===- AsanHelpers.cpp - instrumented helpers for asan clones -------------===//
//
// See AsanHelpers.h. A helper is copied when the default body could have it
// inlined: a definition in this module that is neither interposable nor
// `noinline`/`optnone`, not already instrumented, not a multivariant
// function. Copies are internal (no comdat, no CFI type), named
// `<helper>.melf_asan`, and are removed by the optimiser once inlined.
//
//===----------------------------------------------------------------------===//

#include "AsanHelpers.h"

#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/Transforms/Utils/Cloning.h"

using namespace llvm;

namespace melf {

bool AsanHelperCopies::wanted(const Function &Callee) const {
  return !Callee.isDeclaration() && !Callee.isInterposable() &&
         !Callee.isIntrinsic() && !Callee.hasFnAttribute(Attribute::NoInline) &&
         !Callee.hasFnAttribute(Attribute::OptimizeNone) &&
         !Callee.hasFnAttribute(Attribute::SanitizeAddress) &&
         !Callee.hasFnAttribute(Attribute::DisableSanitizerInstrumentation) &&
         !Skip.contains(const_cast<Function *>(&Callee));
}

Function *AsanHelperCopies::copyOf(Function &Callee, bool &Created) {
  Created = false;
  if (Function *C = Copies.lookup(&Callee))
    return C;
  ValueToValueMapTy VMap;
  Function *C = CloneFunction(&Callee, VMap);
  C->setName(Callee.getName() + ".melf_asan");
  C->setLinkage(GlobalValue::InternalLinkage);
  C->setVisibility(GlobalValue::DefaultVisibility);
  C->setDSOLocal(true);
  C->setComdat(nullptr);
  C->eraseMetadata(LLVMContext::MD_type);
  C->addFnAttr(Attribute::SanitizeAddress);
  Copies[&Callee] = C;
  Created = true;
  return C;
}

void AsanHelperCopies::instrument(Function &Clone,
                                  function_ref<void(Function *)> OnCopy) {
  SmallVector<Function *, 8> Work{&Clone};
  while (!Work.empty()) {
    Function *F = Work.pop_back_val();
    for (BasicBlock &BB : *F)
      for (Instruction &I : BB) {
        auto *Call = dyn_cast<CallBase>(&I);
        Function *Callee = Call ? Call->getCalledFunction() : nullptr;
        if (!Callee || !wanted(*Callee))
          continue;
        bool Created;
        Function *Copy = copyOf(*Callee, Created);
        Call->setCalledFunction(Copy);
        if (Created) {
          OnCopy(Copy);
          Work.push_back(Copy);
        }
      }
  }
}

} // namespace melf
