//===- AsanHelpers.h - instrumented helpers for asan clones -----*- C++ -*-===//
//
// An asan clone must check the code its default body contains. The inliner
// never inlines a function without sanitize_address into one with it, so
// helpers the default body inlines (static inline functions, C++ inline
// members) would stay out of line and unchecked in the clone. Each such
// callee gets one instrumented copy per module that the asan clones call
// instead; the inliner then inlines the copies as it inlines the originals.
//
//===----------------------------------------------------------------------===//

#ifndef MELF_ASANHELPERS_H
#define MELF_ASANHELPERS_H

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallPtrSet.h"

namespace llvm {
class Function;
}

namespace melf {

class AsanHelperCopies {
public:
  /// Functions never copied: multivariant defaults (a call to one reaches
  /// the slot, which runs the thread's variant, asan included).
  explicit AsanHelperCopies(const llvm::SmallPtrSetImpl<llvm::Function *> &Skip)
      : Skip(Skip) {}

  /// Redirects the calls of `Clone` (and, transitively, of the copies) to
  /// instrumented copies of the helpers it calls. `OnCopy` is called for
  /// every new copy.
  void instrument(llvm::Function &Clone,
                  llvm::function_ref<void(llvm::Function *)> OnCopy);

private:
  llvm::Function *copyOf(llvm::Function &Callee, bool &Created);
  bool wanted(const llvm::Function &Callee) const;

  const llvm::SmallPtrSetImpl<llvm::Function *> &Skip;
  llvm::DenseMap<llvm::Function *, llvm::Function *> Copies;
};

} // namespace melf

#endif
