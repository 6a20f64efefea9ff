//===- Annotator.cpp - find the functions to mark multivariant ------------===//

#include "Annotator.h"
#include "VariantRules.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ASTLambda.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Mangle.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Lex/Lexer.h"
#include "clang/Sema/ParsedAttr.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/xxhash.h"

using namespace clang;
using namespace llvm;

namespace melf {

std::string attributeText(const std::vector<std::string> &Variants) {
  if (Variants.empty())
    return "__attribute__((variant))";
  std::string Args;
  for (const std::string &V : Variants)
    Args += (Args.empty() ? "\"" : ", \"") + V + "\"";
  return "__attribute__((variant(" + Args + ")))";
}

void AnnotateResults::select(Selected S) {
  std::string Key = S.Text.empty() ? S.Manglings.front()
                                   : S.File + ":" + std::to_string(S.Offset);
  if (SeenFunctions.insert(Key).second)
    Functions.push_back(std::move(S));
}

static std::string skipKey(const Skipped &S) {
  return S.File + ":" + std::to_string(S.Line) + ":" + S.Name + ":" + S.Reason;
}

void AnnotateResults::skip(Skipped S) {
  if (SeenSkips.insert(skipKey(S)).second)
    Skips.push_back(std::move(S));
}

void AnnotateResults::skipInHeader(Skipped S, ArrayRef<unsigned> Entries) {
  if (SeenSkips.insert(skipKey(S)).second)
    InHeaders.push_back({std::move(S), {Entries.begin(), Entries.end()}});
}

namespace {

// The declarations that carry a `variant` attribute in the translation unit
// being parsed. melf-annotate registers the attribute's spellings itself
// (the plugin is not loaded into it) and only notes where it is written.
SmallPtrSet<const Decl *, 16> &declsWithVariant() {
  static SmallPtrSet<const Decl *, 16> Set;
  return Set;
}

struct NoteVariantAttr : public ParsedAttrInfo {
  NoteVariantAttr() {
    OptArgs = 15;
    Spellings = VariantAttrSpellings;
  }
  bool diagAppertainsToDecl(Sema &, const ParsedAttr &,
                            const Decl *D) const override {
    return isa<FunctionDecl>(D);
  }
  AttrHandling handleDeclAttribute(Sema &, Decl *D,
                                   const ParsedAttr &) const override {
    declsWithVariant().insert(D);
    return AttributeApplied;
  }
};

ParsedAttrInfoRegistry::Add<NoteVariantAttr>
    X("melf-variant", "MELF multivariant function (noted by melf-annotate)");

bool hasVariantAttr(const FunctionDecl &FD) {
  return any_of(FD.redecls(), [](const FunctionDecl *R) {
    return declsWithVariant().contains(R);
  });
}

/// The file of \p FID as an absolute path: the tool runs in the compile's
/// directory, and the path must outlive it.
std::string absoluteFile(const SourceManager &SM, FileID FID) {
  OptionalFileEntryRef FE = SM.getFileEntryRefForID(FID);
  if (!FE)
    return "<unknown>";
  SmallString<256> Path(FE->getName());
  sys::fs::make_absolute(Path);
  sys::path::remove_dots(Path, /*remove_dot_dot=*/true);
  return std::string(Path);
}

class Finder : public RecursiveASTVisitor<Finder> {
public:
  Finder(ASTContext &Ctx, const VariantConfig &Config, FunctionList &List,
         const AnnotateOptions &Opts, AnnotateResults &Results)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), Config(Config), List(List),
        Opts(Opts), Results(Results), Names(Ctx) {
    const std::vector<std::string> &V =
        Opts.Variants.empty() ? Config.configured() : Opts.Variants;
    Variants.assign(V.begin(), V.end());
  }
  bool shouldVisitTemplateInstantiations() const { return true; }

  bool VisitFunctionDecl(FunctionDecl *FD);
  // RecursiveASTVisitor does not visit a lambda's call operator as a
  // declaration.
  bool TraverseLambdaExpr(LambdaExpr *LE) {
    VisitFunctionDecl(LE->getCallOperator());
    return RecursiveASTVisitor::TraverseLambdaExpr(LE);
  }

private:
  std::vector<std::string> manglings(const FunctionDecl &FD);
  /// Where the attribute goes: before the declaration's first token.
  SourceLocation insertionPoint(const FunctionDecl &FD) const;
  /// Why the selected \p FD is left alone, or "" if it is annotated.
  std::string skipReason(const FunctionDecl &FD, SourceLocation Start);
  void select(const FunctionDecl &FD, SourceLocation Start,
              std::vector<std::string> Manglings);
  std::string fileOf(SourceLocation Loc) const {
    return absoluteFile(SM, SM.getFileID(Loc));
  }
  std::string nameOf(const FunctionDecl &FD) const;

  ASTContext &Ctx;
  SourceManager &SM;
  const VariantConfig &Config;
  FunctionList &List;
  const AnnotateOptions &Opts;
  AnnotateResults &Results;
  ASTNameGenerator Names;
  std::vector<StringRef> Variants; ///< for the vector-ABI rule
};

std::vector<std::string> Finder::manglings(const FunctionDecl &FD) {
  if (isa<CXXConstructorDecl, CXXDestructorDecl>(FD))
    return Names.getAllManglings(&FD);
  return {Names.getName(&FD)};
}

std::string Finder::nameOf(const FunctionDecl &FD) const {
  if (isLambdaCallOperator(&FD)) {
    const auto *Outer = dyn_cast<FunctionDecl>(FD.getParent()->getParent());
    return "lambda in " + (Outer ? nameOf(*Outer) : std::string("a class"));
  }
  std::string Out;
  raw_string_ostream OS(Out);
  FD.getNameForDiagnostic(OS, Ctx.getPrintingPolicy(), /*Qualified=*/true);
  return Out;
}

SourceLocation Finder::insertionPoint(const FunctionDecl &FD) const {
  // After `template<>`; a macro that begins the declaration (STATIC_INLINE
  // int f()) is written over, if the name itself is no macro's.
  SourceLocation Start = FD.getInnerLocStart();
  SourceLocation MacroBegin;
  if (Start.isMacroID() && FD.getLocation().isFileID() &&
      Lexer::isAtStartOfMacroExpansion(Start, SM, Ctx.getLangOpts(),
                                       &MacroBegin))
    return SM.getExpansionLoc(MacroBegin);
  return Start;
}

bool Finder::VisitFunctionDecl(FunctionDecl *FD) {
  if (FD->isImplicit() || FD->isDependentContext() || FD->isInvalidDecl() ||
      isa<CXXDeductionGuideDecl>(FD))
    return true;
  // A template instantiation is written where its pattern is.
  const FunctionDecl *Src = FD;
  if (const FunctionDecl *P = FD->getTemplateInstantiationPattern())
    Src = P;
  SourceLocation Start = insertionPoint(*Src);
  SourceLocation Where = SM.getExpansionLoc(Start);
  if (SM.isInSystemHeader(Where))
    return true; // and does not count as a match of its entry
  std::vector<std::string> Mangled = manglings(*FD);
  SmallVector<unsigned, 4> Entries = List.match(Mangled);
  if (Entries.empty())
    return true;
  Skipped Skip{fileOf(Where), SM.getExpansionLineNumber(Where), nameOf(*FD), "",
               Mangled};
  if (!SM.isInMainFile(Where)) {
    if (FD->doesThisDeclarationHaveABody()) {
      Skip.Reason = "defined in a header; melf-annotate marks only functions "
                    "of the source files it processes";
      Results.skipInHeader(std::move(Skip), Entries);
    }
    return true;
  }
  Results.EntriesInSources.insert(Entries.begin(), Entries.end());
  if (!FD->doesThisDeclarationHaveABody()) {
    // Its definition, if the unit has one, is visited by itself.
    if (!FD->isDefined()) {
      Skip.Reason = "declared, but no file that was processed defines it";
      Results.Undefined.push_back(std::move(Skip));
    }
    return true;
  }
  Skip.Reason = skipReason(*FD, Start);
  if (!Skip.Reason.empty())
    Results.skip(std::move(Skip));
  else
    select(*FD, Start, std::move(Mangled));
  return true;
}

std::string Finder::skipReason(const FunctionDecl &FD, SourceLocation Start) {
  if (isLambdaCallOperator(&FD) && !Opts.ForVariantsFile)
    return "a lambda: no attribute is written before it (use "
           "--variants-file)";
  if (FD.isDeleted() || FD.isDefaulted())
    return "a defaulted or deleted function";
  if (FD.isTemplateInstantiation() && !Opts.ForVariantsFile)
    return "a template instantiation: an attribute would apply to every "
           "instantiation (use --variants-file)";
  if (hasVariantAttr(FD))
    return "it already has a 'variant' attribute";
  if (Start.isInvalid() || (Start.isMacroID() && !Opts.ForVariantsFile))
    return "its start is inside a macro expansion";
  std::vector<VariantProblem> Problems =
      variantProblems(Ctx, Config, FD, Variants, Start);
  std::vector<std::string> Messages; // a vector return and parameter: once
  for (const VariantProblem &P : Problems)
    if (!is_contained(Messages, P.Message))
      Messages.push_back(P.Message);
  return join(Messages, "; ");
}

void Finder::select(const FunctionDecl &FD, SourceLocation Start,
                    std::vector<std::string> Manglings) {
  Selected S;
  SourceLocation Where = SM.getExpansionLoc(Start);
  S.File = fileOf(Where);
  S.Line = SM.getExpansionLineNumber(Where);
  S.Name = nameOf(FD);
  S.Manglings = std::move(Manglings);
  if (!Opts.ForVariantsFile) {
    // On a line of its own, indented like the function, if the function
    // starts its line; else before the first token.
    auto [FID, Offset] = SM.getDecomposedLoc(Start);
    StringRef Buf = SM.getBufferData(FID);
    size_t LineStart = Buf.rfind('\n', Offset); // searches before Offset
    LineStart = LineStart == StringRef::npos ? 0 : LineStart + 1;
    StringRef Indent = Buf.slice(LineStart, Offset);
    std::string Attr = attributeText(Opts.Variants);
    if (Indent.find_first_not_of(" \t") == StringRef::npos) {
      // Line ends as the file's: this line's, or the one before (the last).
      size_t NL = Buf.find('\n', Offset);
      bool CRLF = NL != StringRef::npos
                      ? NL > 0 && Buf[NL - 1] == '\r'
                      : LineStart >= 2 && Buf[LineStart - 2] == '\r';
      S.Offset = LineStart;
      S.Text = (Indent + Attr + (CRLF ? "\r\n" : "\n")).str();
    } else {
      S.Offset = Offset;
      S.Text = Attr + " ";
    }
    Results.FileHashes[S.File] = xxh3_64bits(Buf);
  }
  Results.select(std::move(S));
}

class Consumer : public ASTConsumer {
public:
  Consumer(CompilerInstance &CI, FunctionList &List,
           const AnnotateOptions &Opts, AnnotateResults &Results)
      : CI(CI), List(List), Opts(Opts), Results(Results) {}

  void HandleTranslationUnit(ASTContext &Ctx) override {
    VariantConfig Config;
    if (!configure(Ctx, Config))
      return;
    Finder F(Ctx, Config, List, Opts, Results);
    size_t Before = Results.Functions.size();
    F.TraverseDecl(Ctx.getTranslationUnitDecl());
    if (Results.Functions.size() > Before && Opts.Variants.empty() &&
        Config.configured().empty() && !Opts.ForVariantsFile)
      error(Ctx, "a bare 'variant' attribute means the configured variants, "
                 "but the compile of this file configures none "
                 "(-fplugin-arg-melf-variants=); pass --variants=NAME,...");
  }

private:
  void error(ASTContext &Ctx, const Twine &Msg) {
    const SourceManager &SM = Ctx.getSourceManager();
    Results.Errors.push_back({absoluteFile(SM, SM.getMainFileID()), Msg.str()});
  }

  /// The compile's own configuration: its plugin arguments, which a
  /// variants file may name relative to its directory (the current one).
  bool configure(ASTContext &Ctx, VariantConfig &Config) {
    auto &Args = CI.getFrontendOpts().PluginArgs;
    auto It = Args.find("melf");
    if (It != Args.end())
      for (const std::string &A : It->second)
        if (Error E = Config.parseArgument(A)) {
          error(Ctx, "-fplugin-arg-melf-" + A + ": " + toString(std::move(E)));
          return false;
        }
    for (const std::string &V : Opts.Variants)
      if (!Config.find(V)) {
        std::string Known;
        for (const VariantDef &D : Config.definitions())
          if (!D.Arch || D.Arch == Config.targetArch())
            Known += (Known.empty() ? "" : ", ") + D.Name;
        error(Ctx, "unknown MELF variant '" + V + "' (known: " + Known + ")");
        return false;
      }
    return true;
  }

  CompilerInstance &CI;
  FunctionList &List;
  const AnnotateOptions &Opts;
  AnnotateResults &Results;
};

class Action : public ASTFrontendAction {
public:
  Action(FunctionList &List, const AnnotateOptions &Opts,
         AnnotateResults &Results)
      : List(List), Opts(Opts), Results(Results) {}

protected:
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 StringRef) override {
    declsWithVariant().clear();
    return std::make_unique<Consumer>(CI, List, Opts, Results);
  }

private:
  FunctionList &List;
  const AnnotateOptions &Opts;
  AnnotateResults &Results;
};

class Factory : public tooling::FrontendActionFactory {
public:
  Factory(FunctionList &List, const AnnotateOptions &Opts,
          AnnotateResults &Results)
      : List(List), Opts(Opts), Results(Results) {}
  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<Action>(List, Opts, Results);
  }

private:
  FunctionList &List;
  const AnnotateOptions &Opts;
  AnnotateResults &Results;
};

} // namespace

std::unique_ptr<tooling::FrontendActionFactory>
newAnnotateActionFactory(FunctionList &List, const AnnotateOptions &Opts,
                         AnnotateResults &Results) {
  return std::make_unique<Factory>(List, Opts, Results);
}

} // namespace melf
