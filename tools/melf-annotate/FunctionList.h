//===- FunctionList.h - the functions melf-annotate looks for ---*- C++ -*-===//
//
// The --functions file: names and globs one per line, or the output of
// `perf report --stdio` or melf-perf-report, whose functions are taken
// hottest first. Entries are matched against functions by the plugin's own
// rule (VariantConfig::matchingFunctionGlobs: mangled name, demangled name,
// demangled name without parameters).
//
//===----------------------------------------------------------------------===//
#ifndef MELF_ANNOTATE_FUNCTIONLIST_H
#define MELF_ANNOTATE_FUNCTIONLIST_H

#include "VariantConfig.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Error.h"
#include <string>
#include <vector>

namespace melf {

/// One entry of the list.
struct ListEntry {
  std::string Text; ///< as the input wrote it (a profile's: normalised)
  bool Matched = false;
};

class FunctionList {
public:
  enum class Format { Names, PerfReport, MelfPerfReport };

  /// Reads \p Path and keeps its first \p Top entries (0: all).
  static llvm::Expected<FunctionList> load(llvm::StringRef Path, unsigned Top);
  /// The same for text already read; \p Path names it in errors.
  static llvm::Expected<FunctionList> parse(llvm::StringRef Text,
                                            llvm::StringRef Path, unsigned Top);

  Format format() const { return Fmt; }
  const std::vector<ListEntry> &entries() const { return Entries; }
  /// The entries that one of \p MangledNames (the names of one function)
  /// matches, which are marked as matched.
  llvm::SmallVector<unsigned, 4>
  match(llvm::ArrayRef<std::string> MangledNames);

private:
  /// Adds an entry matched by any of \p Globs, unless \p Text is there.
  llvm::Error add(llvm::StringRef Text, llvm::ArrayRef<std::string> Globs);

  Format Fmt = Format::Names;
  std::vector<ListEntry> Entries;
  VariantConfig Globs;               ///< the globs of all entries
  std::vector<unsigned> GlobToEntry; ///< the entry of each glob
  llvm::StringSet<> Seen;            ///< the entries' texts
};

/// A symbol name as a profile shows it, reduced to the function it names:
/// clone and PLT suffixes removed (`f.cold`, `f.melf.debug`, `f [clone
/// .cold]`), `> >` written as LLVM's demangler does (`>>`). Empty if the
/// name is no function (an address, a PLT stub).
std::string normaliseProfileName(llvm::StringRef Name);

/// \p Name as a glob that matches only itself.
std::string escapeGlob(llvm::StringRef Name);

/// The globs that match the functions a profile names \p Name (normalised).
/// perf shows a template without its return type (`ns::f<int>`), the
/// demangled name that the plugin matches has it (`int ns::f<int>`).
std::vector<std::string> profileGlobs(llvm::StringRef Name);

} // namespace melf

#endif
