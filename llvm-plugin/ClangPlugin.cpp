//===- ClangPlugin.cpp - the `variant` and `view_local` attributes --------===//
//
// Loaded with -fplugin=MELFPlugin.so. Adds the attributes, checks their use
// with Clang diagnostics, reads the plugin arguments (-fplugin-arg-melf-...)
// and registers the `melf` pass in the compile's pass pipeline, so no
// -fpass-plugin is needed. The attributes become "melf.*" annotations that
// the pass consumes; their meaning is specified in docs/melf-abi.md.
//
//===----------------------------------------------------------------------===//

#include "CodegenOptions.h"
#include "MultivariantPass.h"
#include "VariantConfig.h"
#include "VariantRules.h"
#include "melf/abi.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/Attr.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/TargetInfo.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendPluginRegistry.h"
#include "clang/Sema/ParsedAttr.h"
#include "clang/Sema/Sema.h"
#include <algorithm>
#include "llvm/ADT/StringExtras.h"

using namespace clang;
using namespace melf;

namespace {

// One compile per process: the configuration the plugin arguments set.
std::shared_ptr<VariantConfig> &config() {
  static std::shared_ptr<VariantConfig> C = std::make_shared<VariantConfig>();
  return C;
}

constexpr llvm::StringLiteral VariantTag = MELF_IR_VARIANT_ANNOTATION;
constexpr llvm::StringLiteral ViewLocalTag = MELF_IR_VIEW_LOCAL_ANNOTATION;

template <unsigned N>
unsigned diagID(Sema &S, DiagnosticsEngine::Level L, const char (&Fmt)[N]) {
  return S.getDiagnostics().getCustomDiagID(L, Fmt);
}

struct VariantAttrInfo : public ParsedAttrInfo {
  VariantAttrInfo() {
    OptArgs = 15;
    Spellings = VariantAttrSpellings;
  }

  bool diagAppertainsToDecl(Sema &S, const ParsedAttr &A,
                            const Decl *D) const override {
    if (isa<FunctionDecl>(D))
      return true;
    S.Diag(A.getLoc(), diagID(S, DiagnosticsEngine::Error,
                              "'variant' attribute only applies to functions"));
    return false;
  }

  AttrHandling handleDeclAttribute(Sema &S, Decl *D,
                                   const ParsedAttr &A) const override {
    const VariantConfig &C = *config();
    SmallVector<std::string, 8> Names;
    for (unsigned I = 0; I < A.getNumArgs(); ++I) {
      Expr *E = A.isArgExpr(I) ? A.getArgAsExpr(I) : nullptr;
      auto *Lit = E ? dyn_cast<StringLiteral>(E->IgnoreParenCasts()) : nullptr;
      SourceLocation Loc = E ? E->getExprLoc() : A.getLoc();
      if (!Lit || !Lit->isOrdinary()) {
        S.Diag(Loc, diagID(S, DiagnosticsEngine::Error,
                           "argument %0 of 'variant' must be a string literal "
                           "naming a variant"))
            << (I + 1);
        return AttributeNotApplied;
      }
      StringRef Name = Lit->getString();
      if (Name == MELF_DEFAULT_VARIANT) {
        S.Diag(Loc, diagID(S, DiagnosticsEngine::Warning,
                           "variant 'default' is always present; ignored"));
        continue;
      }
      if (!C.find(Name)) {
        std::string Known;
        for (const VariantDef &V : C.definitions())
          if (!V.Arch || V.Arch == C.targetArch())
            Known += (Known.empty() ? "" : ", ") + V.Name;
        // "armv8.2-a": names have no '.' (it separates symbol suffixes).
        std::string Dashed = Name.str();
        std::replace(Dashed.begin(), Dashed.end(), '.', '-');
        std::string Hint;
        if (Dashed != Name && C.find(Dashed))
          Hint = "; did you mean '" + Dashed + "'?";
        S.Diag(Loc, diagID(S, DiagnosticsEngine::Error,
                           "unknown MELF variant '%0' (known: %1)%2"))
            << Name << Known << Hint;
        return AttributeNotApplied;
      }
      if (uint32_t Arch = C.find(Name)->Arch; Arch && Arch != C.targetArch()) {
        S.Diag(Loc, diagID(S, DiagnosticsEngine::Error,
                           "MELF variant '%0' targets %1 but the target "
                           "is '%2'"))
            << Name << VariantConfig::archName(Arch)
            << S.Context.getTargetInfo().getTriple().str();
        return AttributeNotApplied;
      }
      if (llvm::is_contained(Names, Name)) {
        S.Diag(Loc, diagID(S, DiagnosticsEngine::Warning,
                           "variant '%0' is listed more than once"))
            << Name;
        continue;
      }
      Names.push_back(Name.str());
    }
    if (A.getNumArgs() == 0) {
      if (C.configured().empty()) {
        S.Diag(A.getLoc(),
               diagID(S, DiagnosticsEngine::Error,
                      "'variant' without arguments means every configured "
                      "variant, but none is configured; pass "
                      "-fplugin-arg-melf-variants=NAME,... or name them"));
        return AttributeNotApplied;
      }
      Names.append(C.configured().begin(), C.configured().end());
    }
    if (Names.empty())
      return AttributeApplied; // only 'default' was named: nothing to clone
    std::string Tag = (VariantTag + "=" + llvm::join(Names, ",")).str();
    D->addAttr(AnnotateAttr::Create(S.Context, Tag, nullptr, 0, A.getRange()));
    return AttributeApplied;
  }
};

struct ViewLocalAttrInfo : public ParsedAttrInfo {
  ViewLocalAttrInfo() {
    static constexpr Spelling S[] = {{ParsedAttr::AS_GNU, "view_local"},
                                     {ParsedAttr::AS_C23, "view_local"},
                                     {ParsedAttr::AS_C23, "melf::view_local"},
                                     {ParsedAttr::AS_CXX11, "view_local"},
                                     {ParsedAttr::AS_CXX11, "melf::view_local"}};
    Spellings = S;
  }

  bool diagAppertainsToDecl(Sema &S, const ParsedAttr &A,
                            const Decl *D) const override {
    const auto *VD = dyn_cast<VarDecl>(D);
    if (VD && !isa<ParmVarDecl>(VD) && VD->hasGlobalStorage())
      return true;
    S.Diag(A.getLoc(),
           diagID(S, DiagnosticsEngine::Error,
                  "'view_local' attribute only applies to variables with "
                  "static storage duration"));
    return false;
  }

  AttrHandling handleDeclAttribute(Sema &S, Decl *D,
                                   const ParsedAttr &A) const override {
    auto *VD = cast<VarDecl>(D);
    if (A.getNumArgs() != 0) {
      S.Diag(A.getLoc(), diagID(S, DiagnosticsEngine::Error,
                                "'view_local' attribute takes no arguments"));
      return AttributeNotApplied;
    }
    if (VD->getTLSKind() != VarDecl::TLS_None) {
      S.Diag(A.getLoc(),
             diagID(S, DiagnosticsEngine::Error,
                    "'view_local' variable cannot be thread-local: each "
                    "thread already has its own copy"));
      return AttributeNotApplied;
    }
    if (VD->getType().isConstQualified())
      S.Diag(A.getLoc(), diagID(S, DiagnosticsEngine::Warning,
                                "'view_local' on a const variable has no "
                                "effect: every view sees the same value"));
    D->addAttr(
        AnnotateAttr::Create(S.Context, ViewLocalTag, nullptr, 0, A.getRange()));
    return AttributeApplied;
  }
};

ParsedAttrInfoRegistry::Add<VariantAttrInfo> XV("melf-variant",
                                                "MELF multivariant function");
ParsedAttrInfoRegistry::Add<ViewLocalAttrInfo> XVL("melf-view-local",
                                                   "MELF view-local variable");

/// Checks that need the whole declaration (attributes written after
/// `variant`, instantiated parameter types).
class Checker : public RecursiveASTVisitor<Checker> {
public:
  explicit Checker(ASTContext &Ctx) : Ctx(Ctx), Diags(Ctx.getDiagnostics()) {}
  bool shouldVisitTemplateInstantiations() const { return true; }
  bool shouldVisitLambdaBody() const { return true; }

  bool VisitFunctionDecl(FunctionDecl *FD) {
    if (!FD->hasAttrs() || FD->isDependentContext())
      return true;
    for (const auto *A : FD->specific_attrs<AnnotateAttr>())
      if (A->getAnnotation().starts_with(VariantTag)) {
        check(FD, A);
        if (FD->doesThisDeclarationHaveABody())
          Marked.push_back(FD);
      }
    return true;
  }

  /// Definitions with a `variant` attribute.
  std::vector<const FunctionDecl *> Marked;

  bool VisitVarDecl(VarDecl *VD) {
    if (!VD->hasAttrs())
      return true;
    for (const auto *A : VD->specific_attrs<AnnotateAttr>())
      if (A->getAnnotation() == ViewLocalTag && VD->hasAttr<SectionAttr>())
        error(A->getLocation(),
              "'view_local' variable cannot have a 'section' attribute: "
              "MELF places its storage");
    return true;
  }

private:
  void error(SourceLocation L, StringRef Msg, StringRef Arg = "") {
    unsigned ID = Diags.getCustomDiagID(DiagnosticsEngine::Error, "%0");
    Diags.Report(L, ID) << (Msg + Arg).str();
  }

  // The rules are shared with melf-annotate (VariantRules.h).
  void check(const FunctionDecl *FD, const AnnotateAttr *A) {
    StringRef List = A->getAnnotation().drop_front(VariantTag.size());
    List.consume_front("=");
    SmallVector<StringRef, 8> Names;
    List.split(Names, ',', -1, false);
    for (const VariantProblem &P :
         variantProblems(Ctx, *config(), *FD, Names, A->getLocation()))
      error(P.Loc, P.Message);
  }

  ASTContext &Ctx;
  DiagnosticsEngine &Diags;
};

class Consumer : public ASTConsumer {
public:
  explicit Consumer(CompilerInstance &CI) : CI(CI) {}
  // Runs before code generation's consumer (AddBeforeMainAction), so the
  // code-generation options can still change.
  void HandleTranslationUnit(ASTContext &Ctx) override {
    Checker C(Ctx);
    C.TraverseDecl(Ctx.getTranslationUnitDecl());
    const VariantConfig &VC = *config();
    adjustCodegenOptions(CI, C.Marked,
                         !VC.functionGlobs().empty() || VC.wholeFile() ||
                             !VC.asVariant().empty());
  }

private:
  CompilerInstance &CI;
};

class MELFAction : public PluginASTAction {
protected:
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 StringRef) override {
    std::shared_ptr<const VariantConfig> C = config();
    bool AddAsan = !CI.getLangOpts().Sanitize.has(SanitizerKind::Address);
    CI.getCodeGenOpts().PassBuilderCallbacks.push_back(
        [C, AddAsan](llvm::PassBuilder &PB) {
          registerMELFPasses(
              PB, [C] { return C; }, /*AtPipelineStart=*/true, AddAsan);
        });
    return std::make_unique<Consumer>(CI);
  }

  bool ParseArgs(const CompilerInstance &CI,
                 const std::vector<std::string> &Args) override {
    auto C = std::make_shared<VariantConfig>(
        VariantConfig::archOfTriple(CI.getTarget().getTriple().str()));
    DiagnosticsEngine &D = CI.getDiagnostics();
    bool OK = true; // false: skip the checks that need a valid config
    for (const std::string &A : Args)
      if (llvm::Error E = C->parseArgument(A)) {
        unsigned ID = D.getCustomDiagID(DiagnosticsEngine::Error,
                                        "MELF: -fplugin-arg-melf-%0: %1");
        D.Report(ID) << A << llvm::toString(std::move(E));
        OK = false;
      }
    if (!C->functionGlobs().empty() && C->configured().empty()) {
      unsigned ID = D.getCustomDiagID(
          DiagnosticsEngine::Error,
          "MELF: a function list is given but no variants are configured "
          "(-fplugin-arg-melf-variants=NAME,...)");
      D.Report(ID);
      OK = false;
    }
    auto OtherArch = [&](const VariantDef &V) {
      return V.Arch && V.Arch != C->targetArch();
    };
    if (OK) {
      for (const VariantDef &V : C->definitions())
        if (!V.Builtin && OtherArch(V)) {
          unsigned ID = D.getCustomDiagID(
              DiagnosticsEngine::Error,
              "MELF: variant '%0' targets %1 but the target is '%2'");
          D.Report(ID) << V.Name << VariantConfig::archName(V.Arch)
                       << CI.getTarget().getTriple().str();
          OK = false;
        }
    }
    if (OK) {
      for (const std::string &N : C->configured())
        if (OtherArch(*C->find(N))) {
          unsigned ID = D.getCustomDiagID(
              DiagnosticsEngine::Error,
              "MELF: configured variant '%0' targets %1 but the target "
              "is '%2'");
          D.Report(ID) << N << VariantConfig::archName(C->find(N)->Arch)
                       << CI.getTarget().getTriple().str();
        }
    }
    config() = C;
    // Errors were reported above and fail the compile; the plugin stays
    // active so that nothing is silently built without its variants.
    return true;
  }

  ActionType getActionType() override { return AddBeforeMainAction; }
};

} // namespace

static FrontendPluginRegistry::Add<MELFAction>
    XA("melf", "MELF multivariant functions");
