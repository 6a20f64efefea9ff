//===- Multiversioner.h - the melf pass, step by step ----------*- C++ -*-===//
//
// Private to llvm-plugin/. The `melf` pass (MultivariantPass.h) runs one
// Multiversioner per module. Its steps live in one file each:
//   MultivariantPass.cpp  marks, clones, the default body's shield, the pass
//                         entry points and their registration
//   GroupRecord.cpp       the .melf.group and .melf.data records
//   WholeFile.cpp         whole-file variant builds (default and variant)
//   AsanPass.cpp          the melf-asan pass (ASan for asan clones)
//   AsanHelpers.cpp       instrumented helper copies for asan clones
//
//===----------------------------------------------------------------------===//

#ifndef MELF_MULTIVERSIONER_H
#define MELF_MULTIVERSIONER_H

#include "VariantConfig.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Alignment.h"
#include <string>
#include <utility>
#include <vector>

namespace melf {

/// Records are read by the linker byte for byte: a sanitizer must not pad
/// them with redzones (a -fsanitize=address compile would otherwise break
/// the concatenated records).
void markRecord(llvm::GlobalVariable &GV);

/// One multivariant function: its default body and the variants it gets.
struct Mark {
  std::vector<const VariantDef *> Variants;
};

class Multiversioner {
public:
  Multiversioner(llvm::Module &M, const VariantConfig &C)
      : M(M), Ctx(M.getContext()), C(C) {}
  bool run();

private:
  using Clone = std::pair<llvm::Function *, const VariantDef *>;

  void error(const llvm::GlobalValue *GV, const llvm::Twine &Msg);
  void collectAnnotations();
  void addMark(llvm::Function *F, llvm::StringRef List,
               const llvm::GlobalValue *Where);
  bool checkMarked(llvm::Function &F);
  bool checkVectorABI(llvm::Function &F,
                      llvm::ArrayRef<const VariantDef *> Variants);
  llvm::Function *makeClone(llvm::Function &F, const VariantDef &V);
  void applyVariant(llvm::Function &Clone, const VariantDef &V);
  void shieldDefault(llvm::Function &F);
  void emitGroup(llvm::Function &F, llvm::ArrayRef<Clone> Clones,
                 bool WholeFile = false);
  bool runAsVariant();
  void markWholeFile();
  std::string staticKey(llvm::StringRef Name) const;
  std::string variantKey(llvm::StringRef V) const;
  void emitFunctionListRecord(llvm::ArrayRef<bool> Hits);
  void emitExcludedRecord(llvm::Constant *Init, llvm::StringRef Name,
                          llvm::StringRef Section, llvm::Align A);
  void emitDataRecord(
      llvm::ArrayRef<std::pair<llvm::GlobalVariable *, uint64_t>> Vars);
  void placeViewLocal(llvm::GlobalVariable &GV);
  void foldCompiledVariant();
  llvm::Constant *variantNameString(llvm::StringRef Name);

  llvm::Module &M;
  llvm::LLVMContext &Ctx;
  const VariantConfig &C;
  llvm::MapVector<llvm::Function *, Mark> Marks;
  llvm::SmallVector<llvm::GlobalVariable *, 8> ViewLocals;
  llvm::DenseMap<llvm::Function *, const VariantDef *> CloneVariant;
  llvm::StringMap<llvm::Constant *> NameStrings;
  llvm::SmallVector<llvm::GlobalValue *, 32> Used;
  VariantDef AsVariant; // -fplugin-arg-melf-as-variant
};

} // namespace melf

#endif
