//===- melf-config.cpp - compile and link flags for MELF ------------------===//
//
// llvm-config style: prints the flags that load the MELF plugin and link a
// MELF executable. Works from the build tree (build/bin next to build/lib)
// and from an installation (PREFIX/bin next to PREFIX/lib/melf).
//
//===----------------------------------------------------------------------===//

#include "Layout.h"
#include "VariantConfig.h"
#include "melf/abi.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"
#include <cstring>

using namespace llvm;

static const char Usage[] =
    "OVERVIEW: flags for building MELF multivariant executables\n"
    "\n"
    "USAGE: melf-config OPTION...\n"
    "\n"
    "OPTIONS:\n"
    "  --cflags        compile flags: load the MELF plugin, find melf.h\n"
    "  --whole-file-cflags[=V,...]\n"
    "                  --cflags for the default build of a file that has\n"
    "                  whole-file variants (V,...: the variants it requires)\n"
    "  --variant-cflags=V\n"
    "                  --cflags for compiling a file as whole-file variant V\n"
    "                  (add the variant's own flags, e.g. -fsanitize=undefined)\n"
    "  --ldflags       link flags for a MELF executable (ld.melf, libmelf)\n"
    "  --asan-ldflags[=c++]\n"
    "                  more link flags for an executable whose objects have\n"
    "                  an 'asan' variant: MELF's ASan runtime (threads that\n"
    "                  run other variants use the C library's allocator), or\n"
    "                  -fsanitize=address where it was not built; =c++: for\n"
    "                  clang++ links (melf-clang adds them by itself)\n"
    "  --plugin        path of the Clang plugin (for -fplugin=)\n"
    "  --pass-plugin   path of the pass plugin (for opt -load-pass-plugin=)\n"
    "  --variants      the built-in variants, one per line\n"
    "  --version       the MELF version\n"
    "  --target=TRIPLE cross builds: --cflags, --ldflags and --variants for\n"
    "                  TRIPLE (aarch64-linux-gnu; Debian's cross libc and\n"
    "                  the libmelf built for it); default: this host\n"
    "  --runtime=full|min\n"
    "                  --ldflags links libmelf (full, the default) or the\n"
    "                  minimal runtime libmelf_min, which only chooses the\n"
    "                  variant at start-up (MELF_VARIANT) and has no API\n"
    "  --help          this text\n"
    "\n"
    "Objects with an 'asan' variant also need --asan-ldflags at link (in\n"
    "shared libraries: -fsanitize=address).\n";

int main(int argc, char **argv) {
  if (argc < 2) {
    errs() << "melf-config: error: no option given (see --help)\n";
    return 1;
  }
  melf::Layout L = melf::Layout::of(
      sys::fs::getMainExecutable(argv[0], (void *)&main));
  // --target=TRIPLE applies wherever it is given.
  uint32_t Arch = MELF_ARCH_X86_64;
  for (int I = 1; I < argc; ++I) {
    StringRef A = argv[I];
    if (!A.consume_front("--target="))
      continue;
    Arch = melf::VariantConfig::archOfTriple(A);
    if (Arch == MELF_ARCH_NONE) {
      errs() << "melf-config: error: unsupported target '" << A
             << "' (MELF builds for x86_64-linux-gnu and aarch64-linux-gnu)\n";
      return 1;
    }
    if (Arch == MELF_ARCH_AARCH64 && !L.setCrossTarget("aarch64-linux-gnu"))
      return 1;
  }
  // --runtime=full|min too.
  for (int I = 1; I < argc; ++I) {
    StringRef A = argv[I];
    if (A.consume_front("--runtime=") && !L.setRuntime(A.str())) {
      errs() << "melf-config: error: unknown runtime '" << A
             << "' (expected 'full' or 'min')\n";
      return 1;
    }
  }
  std::string CFlags = melf::join(L.compileFlags());

  bool Space = false;
  auto Out = [&](const Twine &S) {
    outs() << (Space ? " " : "") << S;
    Space = true;
  };
  for (int I = 1; I < argc; ++I) {
    StringRef A = argv[I];
    if (A == "--cflags") {
      Out(CFlags);
    } else if (A.consume_front("--whole-file-cflags")) {
      // The default build of a file that has whole-file variants.
      if (!A.empty() && !A.consume_front("=")) {
        errs() << "melf-config: error: expected --whole-file-cflags[=V,...]\n";
        return 1;
      }
      Out(CFlags + " -fplugin-arg-melf-whole-file" +
          (A.empty() ? "" : "=") + A);
    } else if (A.consume_front("--variant-cflags=")) {
      // The same file compiled once more as whole-file variant A.
      if (std::string Msg = melf::checkVariantName(A); !Msg.empty()) {
        errs() << "melf-config: error: --variant-cflags: " << Msg << "\n";
        return 1;
      }
      Out(CFlags + " -fplugin-arg-melf-as-variant=" + A);
    } else if (A == "--ldflags") {
      Out(melf::join(L.linkFlags()));
    } else if (A == "--asan-ldflags" || A == "--asan-ldflags=c++") {
      Out(melf::join(L.asanLinkFlags(A.ends_with("c++"))));
    } else if (A == "--plugin") {
      Out(L.Plugin);
    } else if (A == "--pass-plugin") {
      Out(L.PassPlugin);
    } else if (A == "--version") {
      Out(MELF_VERSION);
    } else if (A.starts_with("--target=") || A.starts_with("--runtime=")) {
      continue;
    } else if (A == "--variants") {
      melf::VariantConfig C(Arch);
      outs() << MELF_DEFAULT_VARIANT << "\tthe code the function has anyway\n";
      for (const melf::VariantDef &V : C.definitions()) {
        if (V.Arch && V.Arch != Arch)
          continue;
        outs() << V.Name << '\t' << V.Description;
        std::string F = melf::VariantConfig::featureNames(V.Arch, V.ISA);
        if (!F.empty())
          outs() << " [requires " << F << "]";
        outs() << '\n';
      }
      continue;
    } else if (A == "--help" || A == "-h") {
      outs() << Usage;
      return 0;
    } else {
      errs() << "melf-config: error: unknown option '" << A
             << "' (see --help)\n";
      return 1;
    }
  }
  if (Space)
    outs() << '\n';
  return 0;
}
