//===- Output.h - melf-annotate's edits, diffs and variants files -*- C++ -*-=//
#ifndef MELF_ANNOTATE_OUTPUT_H
#define MELF_ANNOTATE_OUTPUT_H

#include "Annotator.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"
#include <map>
#include <string>

namespace melf {

/// Insertions into one file: offset -> text.
using Insertions = std::map<unsigned, std::string>;

/// \p Path (absolute) as messages and diffs show it: relative to the
/// current directory if it is below it (so that `patch -p0` applies a diff).
std::string displayPath(llvm::StringRef Path);

/// The selected functions' attributes, per file.
std::map<std::string, Insertions> insertionsByFile(const AnnotateResults &R);

/// \p Code with \p Ins applied (through tooling::Replacements).
llvm::Expected<std::string> applyInsertions(llvm::StringRef Path,
                                            llvm::StringRef Code,
                                            const Insertions &Ins);

/// A unified diff (3 lines of context) from \p Old to \p Old with \p Ins
/// applied, both named \p Path.
std::string unifiedDiff(llvm::StringRef Path, llvm::StringRef Old,
                        const Insertions &Ins);

/// A variants file (docs/variants.md) that marks the selected functions:
/// a `variants` line for \p Variants (none if empty) and one `functions`
/// line per function, with its source location as a comment.
void writeVariantsFile(llvm::raw_ostream &OS, const AnnotateResults &R,
                       const std::vector<std::string> &Variants,
                       llvm::StringRef ListPath);

} // namespace melf

#endif
