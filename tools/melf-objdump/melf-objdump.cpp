//===- melf-objdump.cpp - inspect and verify MELF binaries ----------------===//
//
// llvm-objdump style driver: parses the options, loads each file and prints
// the requested reports. Exit status: 0 success, 1 error or verification
// failure, 2 a valid ELF file that is not a MELF binary.
//
//===----------------------------------------------------------------------===//

#include "MelfFile.h"
#include "Print.h"
#include "Verify.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace melf::objdump;

static const char Usage[] =
    "OVERVIEW: inspect and verify MELF multivariant executables\n"
    "\n"
    "USAGE: melf-objdump [options] FILE...\n"
    "\n"
    "OPTIONS:\n"
    "  -v, --variants          list the variants: id, name, flags, image file\n"
    "                          range, required ISA features\n"
    "  -l, --layout            the MELF area: parts, addresses, sizes,\n"
    "                          protections, file offsets per image\n"
    "  -s, --slots             the slots: address, size, per-variant body\n"
    "                          size and padding, default-byte fallbacks, totals\n"
    "  -a, --all               same as --variants --layout --slots\n"
    "  -d, --disassemble       disassemble the text part of each variant, or\n"
    "                          of the one named by --variant (AT&T syntax)\n"
    "  --variant=NAME          the variant to disassemble\n"
    "  --symbol=F              disassemble only the slot of function F\n"
    "                          (alias: --disassemble-symbols=F)\n"
    "  -c, --verify            check every MELF invariant; print each\n"
    "                          violation and exit 1 if there is one\n"
    "  -j, --json              print variants, layout, slots (and with\n"
    "                          --verify the violations) as one JSON object\n"
    "  -h, --help              this text\n"
    "  --version               the MELF version\n"
    "\n"
    "EXIT STATUS: 0 success, 1 error or verification failure, 2 a valid ELF\n"
    "file that is not a MELF binary.\n";

namespace {

enum Exit { ExitOk = 0, ExitError = 1, ExitNotMelf = 2 };

struct Options {
  bool Variants = false, Layout = false, Slots = false, Disassemble = false;
  bool Verify = false, Json = false;
  std::string Variant, Symbol;
  bool HaveVariant = false;
  std::vector<std::string> Files;
};

[[noreturn]] void usageError(const Twine &T) {
  errs() << "melf-objdump: error: " << T << " (see --help)\n";
  exit(ExitError);
}

Options parseArgs(int Argc, char **Argv) {
  Options O;
  bool NoMoreOptions = false;
  for (int I = 1; I < Argc; ++I) {
    StringRef A = Argv[I];
    if (NoMoreOptions || A == "-" || !A.starts_with("-")) {
      O.Files.push_back(A.str());
      continue;
    }
    if (A == "--") {
      NoMoreOptions = true;
      continue;
    }
    // Options with a value: --opt=V or --opt V.
    auto Value = [&](StringRef Name, std::string &Out) {
      if (A.consume_front(Name)) {
        if (A.consume_front("=")) {
          Out = A.str();
          return true;
        }
        if (A.empty()) {
          if (I + 1 >= Argc)
            usageError("option '" + Name + "' needs a value");
          Out = Argv[++I];
          return true;
        }
        A = Argv[I]; // a longer option with this prefix
      }
      return false;
    };
    if (Value("--variant", O.Variant)) {
      O.HaveVariant = true;
      continue;
    }
    if (Value("--symbol", O.Symbol) ||
        Value("--disassemble-symbols", O.Symbol))
      continue;
    if (A.starts_with("--")) {
      if (A == "--variants")
        O.Variants = true;
      else if (A == "--layout")
        O.Layout = true;
      else if (A == "--slots")
        O.Slots = true;
      else if (A == "--all")
        O.Variants = O.Layout = O.Slots = true;
      else if (A == "--disassemble")
        O.Disassemble = true;
      else if (A == "--verify")
        O.Verify = true;
      else if (A == "--json")
        O.Json = true;
      else if (A == "--help") {
        outs() << Usage;
        exit(ExitOk);
      } else if (A == "--version") {
        outs() << "melf-objdump (MELF) " MELF_VERSION "\n";
        exit(ExitOk);
      } else
        usageError("unknown option '" + A + "'");
      continue;
    }
    // Grouped short flags: -vls.
    for (char C : A.drop_front()) {
      switch (C) {
      case 'v': O.Variants = true; break;
      case 'l': O.Layout = true; break;
      case 's': O.Slots = true; break;
      case 'a': O.Variants = O.Layout = O.Slots = true; break;
      case 'd': O.Disassemble = true; break;
      case 'c': O.Verify = true; break;
      case 'j': O.Json = true; break;
      case 'h':
        outs() << Usage;
        exit(ExitOk);
      default:
        usageError("unknown option '-" + Twine(C) + "'");
      }
    }
  }
  if (!O.Variants && !O.Layout && !O.Slots && !O.Disassemble && !O.Verify &&
      !O.Json)
    usageError("no option given");
  if (O.Files.empty())
    usageError("no input file");
  if ((O.HaveVariant || !O.Symbol.empty()) && !O.Disassemble)
    usageError("--variant and --symbol need -d");
  if (O.Json && O.Disassemble)
    usageError("--json cannot be combined with -d");
  if (O.Json && O.Files.size() > 1)
    usageError("--json takes one file");
  return O;
}

int run(const Options &O, const std::string &Path) {
  outs().flush(); // keep each file's report before its errors
  auto Buf = MemoryBuffer::getFileOrSTDIN(Path, /*IsText=*/false,
                                          /*RequiresNullTerminator=*/false);
  if (!Buf) {
    errs() << "melf-objdump: error: " << Path << ": "
           << Buf.getError().message() << "\n";
    return ExitError;
  }
  std::vector<uint8_t> Bytes((*Buf)->getBufferStart(),
                             (*Buf)->getBufferEnd());
  std::unique_ptr<MelfFile> F;
  std::string Msg;
  switch (MelfFile::load(Path, std::move(Bytes), F, Msg)) {
  case MelfFile::Status::NotMelf:
    errs() << "melf-objdump: " << Msg << "\n";
    return ExitNotMelf;
  case MelfFile::Status::Error:
    errs() << "melf-objdump: error: " << Msg << "\n";
    return ExitError;
  case MelfFile::Status::Ok:
    break;
  }

  std::vector<std::string> Violations;
  if (O.Verify)
    Violations = verify(*F);
  if (O.Json) {
    printJson(*F, O.Verify ? &Violations : nullptr, outs());
    return Violations.empty() ? ExitOk : ExitError;
  }

  int Status = ExitOk;
  if (O.Variants || O.Layout || O.Slots || O.Disassemble)
    outs() << "\n" << Path << ":\tfile format elf64-" << archName(F->meta().Arch)
           << " (MELF v" << F->meta().Version << ")\n";
  if (O.Variants)
    printVariants(*F, outs());
  if (O.Layout)
    printLayout(*F, outs());
  if (O.Slots)
    printSlots(*F, outs());
  if (O.Disassemble) {
    std::vector<size_t> Vs;
    if (O.HaveVariant) {
      int V = F->findVariant(O.Variant);
      if (V < 0) {
        std::string Known;
        for (const MetaVariant &R : F->meta().Variants)
          Known += (Known.empty() ? "" : ", ") + R.Name;
        errs() << "melf-objdump: error: " << Path << ": no variant named '"
               << O.Variant << "' (variants: " << Known << ")\n";
        return ExitError;
      }
      Vs.push_back(V);
    } else {
      for (size_t V = 0; V < F->meta().Variants.size(); ++V)
        Vs.push_back(V);
    }
    for (size_t V : Vs) {
      std::string Err;
      if (!disassemble(*F, V, O.Symbol, outs(), Err)) {
        outs().flush();
        errs() << "melf-objdump: error: " << Path << ": " << Err << "\n";
        Status = ExitError;
      }
    }
  }
  if (O.Verify) {
    outs().flush();
    for (const std::string &V : Violations)
      errs() << "melf-objdump: verify: " << Path << ": " << V << "\n";
    if (Violations.empty()) {
      outs() << Path << ": valid MELF binary (" << F->meta().Variants.size()
             << " variants, " << F->meta().Slots.size() << " slots)\n";
    } else {
      errs() << "melf-objdump: error: " << Path << ": verification failed: "
             << Violations.size() << " violation"
             << (Violations.size() == 1 ? "" : "s") << "\n";
      Status = ExitError;
    }
  }
  return Status;
}

} // namespace

int main(int Argc, char **Argv) {
  Options O = parseArgs(Argc, Argv);
  bool AnyError = false, AnyNotMelf = false;
  for (const std::string &Path : O.Files) {
    int S = run(O, Path);
    AnyError |= S == ExitError;
    AnyNotMelf |= S == ExitNotMelf;
  }
  outs().flush();
  return AnyError ? ExitError : AnyNotMelf ? ExitNotMelf : ExitOk;
}
