//===- melf-objdump.cpp - inspect and verify MELF binaries ----------------===//
//
// llvm-objdump style driver: the options through llvm::cl, each file loaded
// (MelfFile, libelf) and the requested reports printed. Errors are reported
// as "melf-objdump: error: FILE: message". Exit status: 0 success, 1 error
// or verification failure, 2 a valid ELF file that is not a MELF binary.
//
//===----------------------------------------------------------------------===//

#include "AttackSurface.h"
#include "MelfFile.h"
#include "Print.h"
#include "Verify.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace melf::objdump;

namespace {

enum Exit { ExitOk = 0, ExitError = 1, ExitNotMelf = 2 };

// The name in messages: the same for melf-objdump-asan, whose output the
// corruption tests compare with melf-objdump's.
const char ToolName[] = "melf-objdump";

cl::OptionCategory ObjdumpCat("melf-objdump options");

cl::opt<bool> Variants("variants",
                       cl::desc("List the variants: id, name, flags, image, "
                                "ISA features"),
                       cl::cat(ObjdumpCat));
cl::alias VariantsShort("v", cl::desc("Alias for --variants"),
                        cl::aliasopt(Variants), cl::Grouping, cl::NotHidden);

cl::opt<bool> Layout("layout",
                     cl::desc("Show the MELF area: parts, protections, "
                              "image file offsets"),
                     cl::cat(ObjdumpCat));
cl::alias LayoutShort("l", cl::desc("Alias for --layout"),
                      cl::aliasopt(Layout), cl::Grouping, cl::NotHidden);

cl::opt<bool> Slots("slots",
                    cl::desc("Show the slots: per-variant body size, "
                             "padding, totals"),
                    cl::cat(ObjdumpCat));
cl::alias SlotsShort("s", cl::desc("Alias for --slots"), cl::aliasopt(Slots),
                     cl::Grouping, cl::NotHidden);

cl::opt<bool> All("all", cl::desc("Same as --variants --layout --slots"),
                  cl::cat(ObjdumpCat));
cl::alias AllShort("a", cl::desc("Alias for --all"), cl::aliasopt(All),
                   cl::Grouping, cl::NotHidden);

cl::opt<bool> Disassemble("disassemble",
                          cl::desc("Disassemble each variant's text part "
                                   "(AT&T syntax)"),
                          cl::cat(ObjdumpCat));
cl::alias DisassembleShort("d", cl::desc("Alias for --disassemble"),
                           cl::aliasopt(Disassemble), cl::Grouping,
                           cl::NotHidden);

cl::opt<std::string> Variant("variant",
                             cl::desc("The variant to disassemble (with -d)"),
                             cl::value_desc("name"), cl::cat(ObjdumpCat));

cl::opt<std::string> Symbol("symbol",
                            cl::desc("Disassemble only the slot of function "
                                     "F (with -d)"),
                            cl::value_desc("F"), cl::cat(ObjdumpCat));
cl::alias DisassembleSymbols("disassemble-symbols",
                             cl::desc("Alias for --symbol"),
                             cl::aliasopt(Symbol), cl::NotHidden);

cl::opt<bool> Verify("verify",
                     cl::desc("Check every MELF invariant; exit 1 on a "
                              "violation"),
                     cl::cat(ObjdumpCat));
cl::alias VerifyShort("c", cl::desc("Alias for --verify"),
                      cl::aliasopt(Verify), cl::Grouping, cl::NotHidden);

cl::opt<bool> Json("json",
                   cl::desc("Print the reports (and --verify's "
                            "violations) as JSON"),
                   cl::cat(ObjdumpCat));
cl::alias JsonShort("j", cl::desc("Alias for --json"), cl::aliasopt(Json),
                    cl::Grouping, cl::NotHidden);

cl::opt<bool> AttackSurfaceOpt(
    "attack-surface",
    cl::desc("Per variant, the code a thread running it can execute and its "
             "returns and gadgets, next to the whole program's"),
    cl::cat(ObjdumpCat));

// --help is cl's own option; -h is ours, as in llvm-dwarfdump.
cl::opt<bool> HelpShort("h", cl::desc("Alias for --help"), cl::Grouping,
                        cl::cat(ObjdumpCat));

cl::list<std::string> Files(cl::Positional, cl::desc("FILE..."),
                            cl::cat(ObjdumpCat));

const char ExitStatusText[] =
    "\nEXIT STATUS: 0 success, 1 error or verification failure, 2 a valid ELF\n"
    "file that is not a MELF binary.\n";
cl::extrahelp ExitStatusHelp(ExitStatusText);

/// What was asked for, after --all is expanded.
struct Request {
  bool Variants = false, Layout = false, Slots = false;
  bool Disassemble = false, Verify = false, Json = false;
  bool AttackSurface = false;
  bool reports() const {
    return Variants || Layout || Slots || Disassemble || AttackSurface;
  }
};

[[noreturn]] void usageError(const Twine &T) {
  WithColor::error(errs(), ToolName) << T << " (see --help)\n";
  exit(ExitError);
}

void fileError(StringRef Path, const Twine &Msg) {
  outs().flush(); // the file's report before its errors
  WithColor::error(errs(), ToolName) << Path << ": " << Msg << "\n";
}

Request parseArgs(int Argc, char **Argv) {
  cl::HideUnrelatedOptions(ObjdumpCat);
  cl::SetVersionPrinter([](raw_ostream &OS) {
    OS << "melf-objdump (MELF) " MELF_VERSION "\n";
  });
  cl::ParseCommandLineOptions(
      Argc, Argv, "inspect and verify MELF multivariant executables\n",
      /*Errs=*/nullptr, /*EnvVar=*/nullptr, /*LongOptionsUseDoubleDash=*/true);
  if (HelpShort) {
    // cl prints the extra help only for --help: parsing drops it.
    cl::PrintHelpMessage(/*Hidden=*/false, /*Categorized=*/true);
    outs() << ExitStatusText;
    exit(ExitOk);
  }
  Request R;
  R.Variants = Variants || All;
  R.Layout = Layout || All;
  R.Slots = Slots || All;
  R.Disassemble = Disassemble;
  R.Verify = Verify;
  R.Json = Json;
  R.AttackSurface = AttackSurfaceOpt;
  if (!R.reports() && !R.Verify && !R.Json)
    usageError("no option given");
  if (Files.empty())
    usageError("no input file");
  if ((Variant.getNumOccurrences() || !Symbol.empty()) && !R.Disassemble)
    usageError("--variant and --symbol need -d");
  if (R.Json && R.Disassemble)
    usageError("--json cannot be combined with -d");
  if (R.Json && Files.size() > 1)
    usageError("--json takes one file");
  return R;
}

/// The file at Path, read whole.
Expected<std::unique_ptr<MelfFile>> loadFile(StringRef Path) {
  auto Buf = MemoryBuffer::getFileOrSTDIN(Path, /*IsText=*/false,
                                          /*RequiresNullTerminator=*/false);
  if (!Buf)
    return errorCodeToError(Buf.getError());
  std::vector<uint8_t> Bytes((*Buf)->getBufferStart(),
                             (*Buf)->getBufferEnd());
  return MelfFile::load(Path.str(), std::move(Bytes));
}

/// Reports why Path was not loaded; returns the exit status for it.
int reportLoadError(StringRef Path, Error E) {
  int Status = ExitError;
  Error Rest = handleErrors(std::move(E), [&](const NotMelfError &N) {
    // Not an error: a valid ELF file this tool has nothing to say about.
    outs().flush();
    errs() << ToolName << ": " << Path << ": " << N.message() << "\n";
    Status = ExitNotMelf;
  });
  if (Rest)
    fileError(Path, toString(std::move(Rest)));
  return Status;
}

/// The variants -d prints: every variant, or the one --variant names.
Expected<std::vector<size_t>> variantsToDisassemble(const MelfFile &F) {
  std::vector<size_t> Vs;
  if (Variant.getNumOccurrences()) {
    Expected<size_t> V = F.variantNamed(Variant);
    if (!V)
      return V.takeError();
    Vs.push_back(*V);
  } else {
    for (size_t V = 0; V < F.meta().Variants.size(); ++V)
      Vs.push_back(V);
  }
  return Vs;
}

/// -d of the variants Vs; an error for one does not stop the others.
int disassembleVariants(const MelfFile &F, ArrayRef<size_t> Vs,
                        StringRef Path) {
  int Status = ExitOk;
  for (size_t V : Vs)
    if (Error E = disassemble(F, V, Symbol, outs())) {
      fileError(Path, toString(std::move(E)));
      Status = ExitError;
    }
  return Status;
}

/// --verify without --json: the violations on stderr, a summary if none.
int reportViolations(const MelfFile &F, StringRef Path,
                     const std::vector<std::string> &Violations) {
  outs().flush();
  for (const std::string &V : Violations)
    errs() << ToolName << ": verify: " << Path << ": " << V << "\n";
  if (Violations.empty()) {
    outs() << Path << ": valid MELF binary (" << F.meta().Variants.size()
           << " variants, " << F.meta().Slots.size() << " slots)\n";
    return ExitOk;
  }
  fileError(Path, "verification failed: " + Twine(Violations.size()) +
                      " violation" + (Violations.size() == 1 ? "" : "s"));
  return ExitError;
}

int run(const Request &R, StringRef Path) {
  outs().flush(); // keep each file's report before its errors
  Expected<std::unique_ptr<MelfFile>> Loaded = loadFile(Path);
  if (!Loaded)
    return reportLoadError(Path, Loaded.takeError());
  const MelfFile &F = **Loaded;
  std::vector<std::string> Violations;
  if (R.Verify)
    Violations = verify(F);
  std::optional<AttackSurface> Surface;
  if (R.AttackSurface) {
    Expected<AttackSurface> AS = measureAttackSurface(F);
    if (!AS) {
      fileError(Path, toString(AS.takeError()));
      return ExitError;
    }
    Surface = std::move(*AS);
  }
  if (R.Json) {
    printJson(F, R.Verify ? &Violations : nullptr, outs(),
              Surface ? &*Surface : nullptr);
    return Violations.empty() ? ExitOk : ExitError;
  }
  int Status = ExitOk;
  if (R.reports())
    outs() << "\n" << Path << ":\tfile format elf64-" << archName(F.meta().Arch)
           << " (MELF v" << F.meta().Version << ")\n";
  if (R.Variants)
    printVariants(F, outs());
  if (R.Layout)
    printLayout(F, outs());
  if (R.Slots)
    printSlots(F, outs());
  if (Surface)
    printAttackSurface(*Surface, outs());
  if (R.Disassemble) {
    // An unknown --variant ends this file's report (no --verify either).
    Expected<std::vector<size_t>> Vs = variantsToDisassemble(F);
    if (!Vs) {
      fileError(Path, toString(Vs.takeError()));
      return ExitError;
    }
    Status = disassembleVariants(F, *Vs, Path);
  }
  if (R.Verify && reportViolations(F, Path, Violations) != ExitOk)
    Status = ExitError;
  return Status;
}

} // namespace

int main(int Argc, char **Argv) {
  Request R = parseArgs(Argc, Argv);
  bool AnyError = false, AnyNotMelf = false;
  for (const std::string &Path : Files) {
    int S = run(R, Path);
    AnyError |= S == ExitError;
    AnyNotMelf |= S == ExitNotMelf;
  }
  outs().flush();
  return AnyError ? ExitError : AnyNotMelf ? ExitNotMelf : ExitOk;
}
