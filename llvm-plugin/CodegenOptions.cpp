//===- CodegenOptions.cpp - compile options and multivariant bodies -------===//
//
// Basic-block sections (-fbasic-block-sections=all|list|labels) and machine
// function splitting (-fsplit-machine-functions) place parts of a function
// in sections of their own. A multivariant body must be one section: its
// slot holds it whole in every image, and its unwind table entry is one FDE.
// The plugin turns both off for a translation unit that has multivariant
// functions and says so once. CFI with ThinLTO moves the group records into
// the split LTO unit away from their clones; that combination is refused.
//
//===----------------------------------------------------------------------===//

#include "CodegenOptions.h"

#include "clang/AST/Decl.h"
#include "clang/Basic/CodeGenOptions.h"
#include "clang/Basic/Sanitizers.h"
#include "clang/Frontend/CompilerInstance.h"

using namespace clang;

void melf::adjustCodegenOptions(CompilerInstance &CI,
                                llvm::ArrayRef<const FunctionDecl *> Marked,
                                bool ByConfig) {
  if (Marked.empty() && !ByConfig)
    return;
  CodeGenOptions &CG = CI.getCodeGenOpts();
  DiagnosticsEngine &D = CI.getDiagnostics();

  std::string Split;
  if (!CG.BBSections.empty() && CG.BBSections != "none" &&
      CG.BBSections != "labels")
    Split = "-fbasic-block-sections=" + CG.BBSections;
  if (CG.SplitMachineFunctions)
    Split += std::string(Split.empty() ? "" : " and ") +
             "-fsplit-machine-functions";
  if (!Split.empty()) {
    CG.BBSections = "none";
    CG.SplitMachineFunctions = false;
    unsigned ID = D.getCustomDiagID(
        DiagnosticsEngine::Remark,
        "MELF: %0 turned off in this translation unit: each multivariant "
        "function must stay in one section");
    D.Report(ID) << Split;
  }

  if (CG.PrepareForThinLTO &&
      CI.getLangOpts().Sanitize.hasOneOf(SanitizerKind::CFI)) {
    unsigned ID = D.getCustomDiagID(
        DiagnosticsEngine::Error,
        "MELF: multivariant function '%0' cannot be compiled with "
        "-fsanitize=cfi-* and -flto=thin (the split LTO unit separates its "
        "bodies from their group record); use -flto (full LTO) for CFI");
    for (const FunctionDecl *FD : Marked)
      D.Report(FD->getLocation(), ID) << FD->getName();
    if (Marked.empty()) {
      unsigned TU = D.getCustomDiagID(
          DiagnosticsEngine::Error,
          "MELF: a function list or whole-file variants cannot be compiled "
          "with -fsanitize=cfi-* and -flto=thin; use -flto (full LTO) for "
          "CFI");
      D.Report(TU);
    }
  }
}
