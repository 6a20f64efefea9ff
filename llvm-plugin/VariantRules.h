//===- VariantRules.h - which functions can be multivariant -----*- C++ -*-===//
//
// The rules that keep a function from being multivariant, as messages with
// source locations. The Clang plugin reports them as errors on functions
// with a `variant` attribute; melf-annotate uses them to skip functions it
// would otherwise annotate. Also the spellings of the `variant` attribute,
// which both register. Rules and messages: docs/variants.md, "Diagnostics".
//
//===----------------------------------------------------------------------===//
#ifndef MELF_VARIANTRULES_H
#define MELF_VARIANTRULES_H

#include "clang/Basic/ParsedAttrInfo.h"
#include "clang/Basic/SourceLocation.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace clang {
class ASTContext;
class FunctionDecl;
} // namespace clang

namespace melf {

class VariantConfig;

/// The spellings of the `variant` attribute. The unscoped C23/C++11
/// spellings are registered too: without them Clang 19 does not parse the
/// arguments of [[melf::variant(...)]].
inline constexpr clang::ParsedAttrInfo::Spelling VariantAttrSpellings[] = {
    {clang::AttributeCommonInfo::AS_GNU, "variant"},
    {clang::AttributeCommonInfo::AS_C23, "variant"},
    {clang::AttributeCommonInfo::AS_C23, "melf::variant"},
    {clang::AttributeCommonInfo::AS_CXX11, "variant"},
    {clang::AttributeCommonInfo::AS_CXX11, "melf::variant"}};

/// One reason a function cannot be multivariant, and where to report it.
struct VariantProblem {
  clang::SourceLocation Loc;
  std::string Message;
};

/// Attributes and properties of \p FD that exclude `variant` ("'variant'
/// cannot be combined with 'always_inline' on 'f'"), one problem each, at
/// \p AttrLoc.
std::vector<VariantProblem> attributeConflicts(const clang::FunctionDecl &FD,
                                               clang::SourceLocation AttrLoc);

/// Every variant keeps the default body's calling convention: the vector
/// parameters and return value of \p FD that one of \p Variants (names in
/// \p Config; unknown names are ignored) would pass differently, because it
/// enables AVX or AVX-512 and the compile does not. A return value is
/// reported at \p AttrLoc, a parameter at its own location.
std::vector<VariantProblem>
vectorABIProblems(const clang::ASTContext &Ctx, const VariantConfig &Config,
                  const clang::FunctionDecl &FD,
                  llvm::ArrayRef<llvm::StringRef> Variants,
                  clang::SourceLocation AttrLoc);

/// attributeConflicts, then vectorABIProblems: everything that keeps \p FD
/// from having the variants \p Variants. Empty if it can have them.
std::vector<VariantProblem>
variantProblems(const clang::ASTContext &Ctx, const VariantConfig &Config,
                const clang::FunctionDecl &FD,
                llvm::ArrayRef<llvm::StringRef> Variants,
                clang::SourceLocation AttrLoc);

} // namespace melf

#endif
