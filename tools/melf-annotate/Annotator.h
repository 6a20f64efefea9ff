//===- Annotator.h - find the functions to mark multivariant ----*- C++ -*-===//
//
// The AST side of melf-annotate: for each translation unit, the function
// definitions of its main file that the function list selects, checked by
// the plugin's rules (VariantRules.h) with the compile's own variant
// configuration (its -fplugin-arg-melf-... arguments).
//
//===----------------------------------------------------------------------===//
#ifndef MELF_ANNOTATE_ANNOTATOR_H
#define MELF_ANNOTATE_ANNOTATOR_H

#include "FunctionList.h"

#include "clang/Tooling/Tooling.h"
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace melf {

struct AnnotateOptions {
  /// The variants to give; empty: a bare `variant` (the configured ones).
  std::vector<std::string> Variants;
  /// Collect functions for a variants file: no source edits are planned,
  /// and template instantiations can be listed by their mangled names.
  bool ForVariantsFile = false;
};

/// A function that gets the attribute (or a variants-file line).
struct Selected {
  std::string File; ///< absolute path
  unsigned Line = 0;
  std::string Name;                   ///< for messages
  std::vector<std::string> Manglings; ///< what the function list matches
  unsigned Offset = 0;                ///< where Text is inserted
  std::string Text;                   ///< the attribute, with spacing
};

/// A function the list selects that is left alone.
struct Skipped {
  std::string File;
  unsigned Line = 0;
  std::string Name;
  std::string Reason;
  std::vector<std::string> Manglings;
};

struct AnnotateResults {
  std::vector<Selected> Functions; ///< in order, one per function
  std::vector<Skipped> Skips;      ///< in order, one per function and reason
  /// Selected declarations without a body anywhere in their translation
  /// unit: reported unless another one defines them.
  std::vector<Skipped> Undefined;
  /// Selected functions defined in headers (not edited), and the entries
  /// that select them: reported only for entries that select nothing in
  /// the source files, as a glob like `*` would select hundreds.
  std::vector<std::pair<Skipped, llvm::SmallVector<unsigned, 4>>> InHeaders;
  /// Entries that select a function of a source file.
  std::set<unsigned> EntriesInSources;
  /// Per edited file, a hash of its text when it was parsed.
  std::map<std::string, uint64_t> FileHashes;
  /// Errors of a translation unit: its main file (absolute), the message.
  std::vector<std::pair<std::string, std::string>> Errors;

  /// Adds unless already there (a file in several compile commands).
  void select(Selected S);
  void skip(Skipped S);
  void skipInHeader(Skipped S, llvm::ArrayRef<unsigned> Entries);

private:
  std::set<std::string> SeenFunctions, SeenSkips;
};

/// The action that fills \p Results for each translation unit it runs on.
std::unique_ptr<clang::tooling::FrontendActionFactory>
newAnnotateActionFactory(FunctionList &List, const AnnotateOptions &Opts,
                         AnnotateResults &Results);

/// `__attribute__((variant("a", "b")))`, or a bare `variant` for none.
std::string attributeText(const std::vector<std::string> &Variants);

} // namespace melf

#endif
