//===- melf-annotate.cpp - mark functions multivariant in the source ------===//
//
// A Clang tool. Given a compilation database, a function list (names and
// globs, or a profile's hottest functions) and the variants, it adds
// __attribute__((variant(...))) to the selected function definitions (a
// unified diff by default, --in-place to edit), or writes a variants file
// for -fplugin-arg-melf-variants-file= instead. Functions that cannot be
// multivariant are skipped with the plugin's own reason. docs/melf-annotate.md
//
//===----------------------------------------------------------------------===//

#include "Annotator.h"
#include "FunctionList.h"
#include "Output.h"

#include "clang/Driver/Driver.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/CommonOptionsParser.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/xxhash.h"
#include <optional>

using namespace clang::tooling;
using namespace llvm;
using namespace melf;

static constexpr const char *Tool = "melf-annotate";

static cl::OptionCategory Category("melf-annotate options");

static cl::opt<std::string> FunctionsPath(
    "functions",
    cl::desc("The functions to mark: names or globs one per line, or the "
             "output of 'perf report --stdio' or melf-perf-report (hottest "
             "first); '-' reads standard input"),
    cl::value_desc("file"), cl::cat(Category));
static cl::opt<std::string> VariantsOpt(
    "variants",
    cl::desc("The variants to give, comma separated (default: a bare "
             "'variant', the variants the compile configures)"),
    cl::value_desc("a,b"), cl::cat(Category));
static cl::opt<unsigned>
    Top("top",
        cl::desc("Use only the first N entries of the list (of a profile: "
                 "the N hottest functions)"),
        cl::value_desc("N"), cl::init(0), cl::cat(Category));
static cl::opt<bool> InPlace("in-place",
                             cl::desc("Edit the files instead of printing "
                                      "a unified diff"),
                             cl::cat(Category));
static cl::opt<std::string> VariantsFileOut(
    "variants-file",
    cl::desc("Write a variants file (for -fplugin-arg-melf-variants-file=) "
             "that marks the functions, instead of editing; '-' is standard "
             "output"),
    cl::value_desc("file"), cl::cat(Category));

static cl::extrahelp CommonHelp(CommonOptionsParser::HelpMessage);
static cl::extrahelp MoreHelp(R"(
Without source files, -p processes every file of the compilation database.
Skipped functions are reported as 'melf-annotate: FILE:LINE: skipped 'F':
REASON'. Exit status: 0 success, 1 an error. See docs/melf-annotate.md.
)");

static const char *const Overview =
    "melf-annotate: mark functions multivariant with the MELF 'variant' "
    "attribute\n";

static int fail(const Twine &Msg) {
  WithColor::error(errs(), Tool) << Msg << "\n";
  return 1;
}

static Expected<std::vector<std::string>> parseVariants(StringRef List) {
  std::vector<std::string> Out;
  if (VariantsOpt.getNumOccurrences() == 0)
    return Out;
  SmallVector<StringRef, 8> Names;
  List.split(Names, ',', -1, /*KeepEmpty=*/false);
  for (StringRef N : Names) {
    N = N.trim();
    std::string Msg = checkVariantName(N);
    if (N == "default")
      Msg = "'default' always exists and cannot be listed as a variant";
    if (!Msg.empty())
      return createStringError(inconvertibleErrorCode(), "--variants: " + Msg);
    if (!is_contained(Out, N))
      Out.push_back(N.str());
  }
  if (Out.empty())
    return createStringError(inconvertibleErrorCode(),
                             "--variants needs at least one variant name");
  return Out;
}

/// The compilation database that -p names, loaded before the command line
/// is parsed: CommonOptionsParser would run without flags (and say so) if
/// there is none. Null without -p, or with a compile command after "--".
static Expected<std::unique_ptr<CompilationDatabase>>
loadBuildPath(int Argc, const char **Argv) {
  std::optional<std::string> Dir;
  for (int I = 1; I < Argc; ++I) {
    StringRef A = Argv[I];
    if (A == "--")
      return nullptr;
    if ((A == "-p" || A == "--p") && I + 1 < Argc)
      Dir = Argv[I + 1];
    else if (A.consume_front("-p=") || A.consume_front("--p="))
      Dir = A.str();
  }
  if (!Dir)
    return nullptr;
  std::string Err;
  if (auto DB = CompilationDatabase::autoDetectFromDirectory(*Dir, Err))
    return std::move(DB);
  return createStringError(inconvertibleErrorCode(),
                           "-p " + *Dir +
                               ": no compile_commands.json there or in a "
                               "parent directory");
}

/// Parses the command line. Without source files, every file of the
/// database that -p names is processed: the command line is parsed once
/// more with them, so that --extra-arg and the rest apply alike.
static Expected<CommonOptionsParser> parseCommandLine(int Argc,
                                                      const char **Argv) {
  auto DB = loadBuildPath(Argc, Argv);
  if (!DB)
    return DB.takeError();
  int N = Argc;
  auto OP =
      CommonOptionsParser::create(N, Argv, Category, cl::ZeroOrMore, Overview);
  if (!OP || !OP->getSourcePathList().empty())
    return OP;
  if (!*DB)
    return createStringError(inconvertibleErrorCode(),
                             "no source files: name them, or pass -p "
                             "BUILD-DIR to process every file of its "
                             "compile_commands.json");
  std::vector<std::string> Files = (*DB)->getAllFiles();
  llvm::sort(Files);
  if (Files.empty())
    return createStringError(inconvertibleErrorCode(),
                             "the compilation database lists no files");
  std::vector<const char *> Args(Argv, Argv + Argc);
  for (const std::string &F : Files)
    Args.push_back(F.c_str());
  int M = Args.size();
  return CommonOptionsParser::create(M, Args.data(), Category, cl::ZeroOrMore,
                                     Overview);
}

/// Runs the annotator on each file; false if one could not be processed.
static bool runOnFiles(CommonOptionsParser &OP, FunctionList &List,
                       const AnnotateOptions &Opts, AnnotateResults &R) {
  // The builtin headers of the Clang that parses (LLVM 19's), not of a
  // resource directory next to this tool.
  std::string ResourceDir =
      clang::driver::Driver::GetResourcesPath(MELF_CLANG_PATH);
  auto Factory = newAnnotateActionFactory(List, Opts, R);
  bool OK = true;
  for (const std::string &File : OP.getSourcePathList()) {
    std::string Abs = getAbsolutePath(File);
    if (std::error_code EC = sys::fs::access(Abs, sys::fs::AccessMode::Exist)) {
      fail("cannot read '" + File + "': " + EC.message());
      OK = false;
      continue;
    }
    if (OP.getCompilations().getCompileCommands(Abs).empty()) {
      fail(File + ": no compile command for it in the compilation database");
      OK = false;
      continue;
    }
    ClangTool T(OP.getCompilations(), {Abs});
    T.setPrintErrorMessage(false);
    T.appendArgumentsAdjuster(
        getInsertArgumentAdjuster(("-resource-dir=" + ResourceDir).c_str(),
                                  ArgumentInsertPosition::BEGIN));
    // Warnings are the compiler's business; errors still stop the file.
    T.appendArgumentsAdjuster(
        getInsertArgumentAdjuster("-w", ArgumentInsertPosition::END));
    if (T.run(Factory.get()) != 0) {
      fail(File + ": could not be parsed (see the errors above); nothing "
                  "was changed");
      OK = false;
    }
  }
  return OK;
}

static void reportSkips(const AnnotateResults &R) {
  auto Print = [](const Skipped &S) {
    errs() << Tool << ": " << displayPath(S.File) << ":" << S.Line
           << ": skipped '" << S.Name << "': " << S.Reason << "\n";
  };
  for (const auto &[S, Entries] : R.InHeaders)
    if (none_of(Entries,
                [&](unsigned E) { return R.EntriesInSources.count(E); }))
      Print(S);
  for (const Skipped &S : R.Skips)
    Print(S);
  // A declaration is worth a line only if no unit defines the function.
  auto Defined = [&](const Skipped &U) {
    auto Has = [&](const std::vector<std::string> &M) {
      return is_contained(M, U.Manglings.front());
    };
    return any_of(R.Functions,
                  [&](const Selected &S) { return Has(S.Manglings); }) ||
           any_of(R.Skips, [&](const Skipped &S) { return Has(S.Manglings); });
  };
  std::set<std::string> Seen;
  for (const Skipped &U : R.Undefined)
    if (!Defined(U) && Seen.insert(U.Manglings.front()).second)
      Print(U);
}

/// Entries no function matched: an error if none matched at all.
static bool checkMatches(const FunctionList &List, const AnnotateResults &R) {
  std::vector<std::string> Unmatched;
  for (const ListEntry &E : List.entries())
    if (!E.Matched)
      Unmatched.push_back("'" + E.Text + "'");
  size_t Shown = std::min<size_t>(Unmatched.size(), 10);
  std::string Names = join(ArrayRef(Unmatched).take_front(Shown), ", ");
  if (Shown < Unmatched.size())
    Names += " and " + std::to_string(Unmatched.size() - Shown) + " more";
  if (Unmatched.size() == List.entries().size()) {
    fail("no function definition matches the function list " + FunctionsPath +
         ": " + Names);
    return false;
  }
  if (R.Functions.empty()) {
    fail("nothing to annotate: every function that the list selects was "
         "skipped");
    return false;
  }
  if (!Unmatched.empty())
    WithColor::warning(errs(), Tool)
        << Unmatched.size() << " of " << List.entries().size()
        << " entries match no function: " << Names << "\n";
  return true;
}

/// Prints a diff of each file, or edits it (--in-place).
static bool editOrDiff(const AnnotateResults &R) {
  bool OK = true;
  for (const auto &[Path, Ins] : insertionsByFile(R)) {
    auto Buf = MemoryBuffer::getFile(Path, /*IsText=*/false);
    if (!Buf) {
      OK = !fail("cannot read '" + displayPath(Path) +
                 "': " + Buf.getError().message());
      continue;
    }
    StringRef Old = (*Buf)->getBuffer();
    auto Hash = R.FileHashes.find(Path);
    if (Hash == R.FileHashes.end() || Hash->second != xxh3_64bits(Old)) {
      OK = !fail(displayPath(Path) + ": changed while melf-annotate ran");
      continue;
    }
    if (!InPlace) {
      outs() << unifiedDiff(displayPath(Path), Old, Ins);
      continue;
    }
    Expected<std::string> New = applyInsertions(Path, Old, Ins);
    if (!New) {
      OK = !fail(displayPath(Path) + ": " + toString(New.takeError()));
      continue;
    }
    std::error_code EC;
    raw_fd_ostream OS(Path, EC); // keeps the file's mode and links
    if (!EC) {
      OS << *New;
      OS.close();
      EC = OS.error();
    }
    if (EC)
      OK = !fail("cannot write '" + displayPath(Path) + "': " + EC.message());
  }
  return OK;
}

static bool writeVariantsFileTo(StringRef Out, const AnnotateResults &R,
                                const std::vector<std::string> &Variants) {
  std::error_code EC;
  raw_fd_ostream OS(Out, EC, sys::fs::OF_Text);
  if (!EC) {
    writeVariantsFile(OS, R, Variants, FunctionsPath);
    OS.close();
    EC = OS.error();
  }
  if (EC)
    return !fail("cannot write '" + Out + "': " + EC.message());
  return true;
}

int main(int Argc, const char **Argv) {
  InitLLVM X(Argc, Argv);
  cl::SetVersionPrinter([](raw_ostream &OS) {
    OS << "melf-annotate (MELF " << MELF_VERSION << ")\n";
  });
  auto OP = parseCommandLine(Argc, Argv);
  if (!OP) {
    // cl's own messages ("melf-annotate: Unknown command line argument")
    // are printed as they are; some it has printed already.
    std::string Msg = toString(OP.takeError());
    if (StringRef(Msg).starts_with(Tool))
      errs() << Msg;
    else if (!StringRef(Msg).trim().empty())
      fail(StringRef(Msg).rtrim());
    return 1;
  }
  if (FunctionsPath.empty())
    return fail("no function list: pass --functions=FILE");
  if (InPlace && !VariantsFileOut.empty())
    return fail("--in-place and --variants-file cannot be combined");
  Expected<std::vector<std::string>> Variants = parseVariants(VariantsOpt);
  if (!Variants)
    return fail(toString(Variants.takeError()));
  Expected<FunctionList> List = FunctionList::load(FunctionsPath, Top);
  if (!List)
    return fail(toString(List.takeError()));

  AnnotateOptions Opts{*Variants, !VariantsFileOut.empty()};
  AnnotateResults R;
  bool OK = runOnFiles(*OP, *List, Opts, R);
  reportSkips(R);
  for (const auto &[File, Msg] : R.Errors)
    OK = !fail(displayPath(File) + ": " + Msg);
  if (!OK || !checkMatches(*List, R))
    return 1;
  if (!VariantsFileOut.empty())
    return writeVariantsFileTo(VariantsFileOut, R, *Variants) ? 0 : 1;
  return editOrDiff(R) ? 0 : 1;
}
