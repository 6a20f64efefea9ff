//===- CodegenOptions.h - compile options and multivariant bodies -*- C++ -*-===//
//
// What the plugin does about code-generation options of the whole compile
// that interact with multivariant bodies (docs/variants.md, "Compatibility
// with code-generation options"): options that would split a body into
// several sections are turned off for the translation unit, with one
// remark; combinations the toolchain cannot support are errors naming the
// option and the function.
//
//===----------------------------------------------------------------------===//

#ifndef MELF_CODEGENOPTIONS_H
#define MELF_CODEGENOPTIONS_H

#include "llvm/ADT/ArrayRef.h"

namespace clang {
class CompilerInstance;
class FunctionDecl;
} // namespace clang

namespace melf {

/// Called once per translation unit, before code generation. `Marked` are
/// the functions with a `variant` attribute; `ByConfig` is true when the
/// plugin arguments can mark functions without one (function list,
/// whole-file variants).
void adjustCodegenOptions(clang::CompilerInstance &CI,
                          llvm::ArrayRef<const clang::FunctionDecl *> Marked,
                          bool ByConfig);

} // namespace melf

#endif
