//===- VariantConfig.h - MELF variant definitions ---------------*- C++ -*-===//
//
// The set of variants one compile knows: the built-in ones, user-defined ones
// (plugin arguments or a variants file), which of them a bare `variant`
// attribute means, and the function list that marks functions without source
// edits. Shared by the Clang plugin (diagnostics at parse time) and the LLVM
// pass (cloning). Grammar: docs/variants.md.
//
//===----------------------------------------------------------------------===//
#ifndef MELF_VARIANTCONFIG_H
#define MELF_VARIANTCONFIG_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/GlobPattern.h"
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace melf {

/// How a variant changes the optimisation level of the default body.
enum class OptMode { Inherit, None, Size, MinSize };

struct VariantDef {
  std::string Name;
  std::string Description;
  std::string CPU;                   ///< target-cpu, empty = inherit
  std::vector<std::string> Features; ///< "+avx2", "-sse4a"
  OptMode Opt = OptMode::Inherit;
  bool Asan = false;
  bool Builtin = false;
  uint32_t Arch = 0;     ///< MELF_ARCH_* of the ISA requirement, 0 = none
  uint64_t ISA = 0;      ///< required ISA feature bits
  uint32_t flags() const; ///< MELF_VF_* bits
};

/// Returns an error message if \p Name is not a valid variant name, else "".
std::string checkVariantName(llvm::StringRef Name);

class VariantConfig {
public:
  /// Starts with the built-in variants (of every architecture). Variants
  /// defined with cpu=/features= are read for \p TargetArch (MELF_ARCH_*,
  /// the compile's target; x86-64 by default).
  explicit VariantConfig(uint32_t TargetArch = 62 /* MELF_ARCH_X86_64 */);
  uint32_t targetArch() const { return TargetArch; }
  /// MELF_ARCH_* of an LLVM target triple ("aarch64-linux-gnu"), 0 if
  /// MELF has no variants for it.
  static uint32_t archOfTriple(llvm::StringRef Triple);
  /// "x86-64", "AArch64": an architecture in diagnostics.
  static const char *archName(uint32_t Arch);

  const VariantDef *find(llvm::StringRef Name) const;
  const std::vector<VariantDef> &definitions() const { return Defs; }
  /// Variants a bare `variant` attribute and the function list mean.
  const std::vector<std::string> &configured() const { return Configured; }
  const std::vector<std::string> &functionGlobs() const { return Globs; }
  /// Whole-file variants: compile this TU as variant AsVariant (non-empty),
  /// or, with WholeFile, as the default build of a file that has them.
  const std::string &asVariant() const { return AsVariant; }
  bool wholeFile() const { return WholeFile; }
  /// `whole-file=a,b`: the whole-file variants the link will contain.
  const std::vector<std::string> &wholeFileVariants() const {
    return WholeFileVariants;
  }

  /// One plugin argument: `variants=a,b`, `functions=f,g*`,
  /// `variants-file=PATH`, `define=NAME:key=value:...`, `as-variant=V` or
  /// `whole-file`.
  llvm::Error parseArgument(llvm::StringRef Arg);
  llvm::Error setConfigured(llvm::StringRef CommaList);
  /// Function-list entries separated by commas outside (), <> and [] (so a
  /// signature such as `f(int, char)` is one entry); `\,` is a comma.
  llvm::Error addFunctions(llvm::StringRef CommaList);
  /// Adds one glob to the function list, taken whole (commas included).
  llvm::Error addFunctionGlob(llvm::StringRef Glob);
  /// `NAME:key=value:key=value` (plugin argument form).
  llvm::Error define(llvm::StringRef Spec);
  /// Loads a variants file; errors are "PATH:LINE: message".
  llvm::Error loadFile(llvm::StringRef Path);
  /// Parses a variants file's text (\p Path only names it in errors).
  llvm::Error parseFile(llvm::StringRef Text, llvm::StringRef Path);

  /// Does \p Name (mangled) or its demangled form match the function list?
  bool matchesFunctionList(llvm::StringRef MangledName) const;
  /// The indices into functionGlobs() of every glob that \p MangledName
  /// matches, by the rule of matchesFunctionList.
  llvm::SmallVector<unsigned, 4>
  matchingFunctionGlobs(llvm::StringRef MangledName) const;

  /// ISA feature bits (MELF_X86_*) implied by an x86 CPU name and feature
  /// list; unknown CPU names give an error.
  static llvm::Expected<uint64_t>
  x86FeatureBits(llvm::StringRef CPU, llvm::ArrayRef<std::string> Features);
  /// ISA feature bits (MELF_AARCH64_*) implied by an AArch64 CPU name and
  /// LLVM feature list ("+v8.2a", "+dotprod", "-sve"). Unknown CPU names
  /// are errors; unknown feature names too if \p Strict.
  static llvm::Expected<uint64_t>
  aarch64FeatureBits(llvm::StringRef CPU, llvm::ArrayRef<std::string> Features,
                     bool Strict);
  /// The target features that `-march=Arch` gives ("armv8.2-a"), as Clang
  /// passes them; empty for an unknown name.
  static std::vector<std::string> aarch64ArchFeatures(llvm::StringRef Arch);
  /// Names of the set bits of \p ISA for \p Arch, comma separated.
  static std::string featureNames(uint32_t Arch, uint64_t ISA);

private:
  llvm::Error addFunctionEntries(llvm::ArrayRef<std::string> Entries);
  llvm::Error defineFromTokens(llvm::StringRef Name,
                               llvm::ArrayRef<llvm::StringRef> KeyValues);
  uint32_t TargetArch;
  std::vector<VariantDef> Defs;
  std::vector<std::string> Configured;
  std::vector<std::string> Globs;
  // Globs, compiled once. A GlobPattern refers into its text: each keeps
  // its own, shared by copies of the configuration.
  struct CompiledGlob {
    std::shared_ptr<const std::string> Text;
    llvm::GlobPattern Pattern;
  };
  std::vector<CompiledGlob> Patterns;
  std::string AsVariant;
  bool WholeFile = false;
  std::vector<std::string> WholeFileVariants;
};

} // namespace melf

#endif
