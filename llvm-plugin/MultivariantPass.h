//===- MultivariantPass.h - clone marked functions per variant --*- C++ -*-===//
//
// `melf` (MultivariantPass): for every function marked multivariant (by the
// Clang attribute, the function list or the IR attribute "melf.variants"),
// clone the body once per variant, apply the variant's function attributes,
// give the default body and every clone its own MELF section, shield the
// default body from interprocedural specialisation, record the group in a
// .melf.group record, place view_local globals, and fold
// melf_compiled_variant() calls. The object-level contract is
// docs/melf-abi.md; every constant comes from include/melf/abi.h.
//
// `melf-asan` (MELFAsanPass): instruments the functions the `melf` pass gave
// `sanitize_address` when the compile itself was not -fsanitize=address.
//
//===----------------------------------------------------------------------===//
#ifndef MELF_MULTIVARIANTPASS_H
#define MELF_MULTIVARIANTPASS_H

#include "VariantConfig.h"
#include "llvm/IR/PassManager.h"
#include <functional>
#include <memory>

namespace llvm {
class PassBuilder;
}

namespace melf {

class MultivariantPass : public llvm::PassInfoMixin<MultivariantPass> {
public:
  explicit MultivariantPass(std::shared_ptr<const VariantConfig> Config)
      : Config(std::move(Config)) {}
  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &);
  static bool isRequired() { return true; } // runs at -O0 and on optnone
  static llvm::StringRef name() { return "melf"; }

private:
  std::shared_ptr<const VariantConfig> Config;
};

class MELFAsanPass : public llvm::PassInfoMixin<MELFAsanPass> {
public:
  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &);
  static bool isRequired() { return true; }
  static llvm::StringRef name() { return "melf-asan"; }
};

/// Registers both passes by name (for opt) and, when \p AtPipelineStart, in
/// the default pipelines (pipeline start and, for ASan clones, optimizer
/// last). \p AddAsan is false when the compile already runs ASan.
using ConfigGetter = std::function<std::shared_ptr<const VariantConfig>()>;
void registerMELFPasses(llvm::PassBuilder &PB, ConfigGetter GetConfig,
                        bool AtPipelineStart, bool AddAsan);

} // namespace melf

#endif
