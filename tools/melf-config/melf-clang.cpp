//===- melf-clang.cpp - clang-19 with MELF's flags ------------------------===//
//
// melf-clang and melf-clang++ (a link to it) run clang-19 / clang++-19 with
// the flags `melf-config --cflags` prints when the command compiles C or C++
// sources, and those of `melf-config --ldflags` when it links, so that any
// build system takes them as CC=/CXX= and distcc sees no plugin flag on the
// command line: the server runs melf-clang, which loads the plugin there.
// (icecream runs its own packed clang remotely, not this driver: there it is
// `icecc clang-19 $(melf-config --cflags)`; docs/getting-started.md,
// "Compiler drivers and distributed builds".)
//
//===----------------------------------------------------------------------===//

#include "AsanInputs.h"
#include "Layout.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <cerrno>
#include <cstring>
#include <unistd.h>

using namespace llvm;

namespace {

bool isSource(StringRef A) {
  StringRef Ext = sys::path::extension(A);
  for (const char *E : {".c", ".i", ".cc", ".cp", ".cxx", ".cpp", ".CPP",
                        ".c++", ".C", ".ii"})
    if (Ext == E)
      return true;
  return false;
}

// What the command does: compile C/C++ (then the plugin flags go in) and
// link (then ld.melf and libmelf do).
struct Steps {
  bool Compiles = false;
  bool Preprocesses = false; // some input is not preprocessed yet
  bool Links = true;
  bool Inputs = false;
  bool HasAsanFlag = false;            // -fsanitize=...address... given
  bool Executable = true;              // not -shared, -r or -static
  std::vector<std::string> LinkInputs; // objects and archives
};

Steps stepsOf(int argc, char **argv) {
  Steps S;
  for (int I = 1; I < argc; ++I) {
    StringRef A = argv[I];
    if (A == "-c" || A == "-S" || A == "-E" || A == "-fsyntax-only" ||
        A == "-M" || A == "-MM" || A == "--version" || A == "-print-search-dirs")
      S.Links = false;
    else if (A == "-x" || A.starts_with("-x") || A == "-")
      S.Compiles = S.Preprocesses = S.Inputs = true;
    else if (A == "-o" || A == "-MF" || A == "-MT" || A == "-MQ" || A == "-I" ||
             A == "-include" || A == "-isystem" || A == "-D" || A == "-U")
      ++I; // the next argument is not an input
    else if (A == "-shared" || A == "-r" || A == "-static" ||
             A == "-static-pie")
      S.Executable = false;
    else if (A.starts_with("-fsanitize=") && A.contains("address"))
      S.HasAsanFlag = true;
    else if (!A.starts_with("-")) {
      S.Inputs = true;
      if (!isSource(A))
        S.LinkInputs.push_back(A.str());
      S.Compiles |= isSource(A);
      StringRef Ext = sys::path::extension(A);
      S.Preprocesses |= isSource(A) && Ext != ".i" && Ext != ".ii";
    }
  }
  S.Links &= S.Inputs;
  return S;
}

} // namespace

int main(int argc, char **argv) {
  std::string Exe = sys::fs::getMainExecutable(argv[0], (void *)&main);
  melf::Layout L = melf::Layout::of(Exe);
  bool CXX = sys::path::filename(argv[0]).ends_with("++");
  std::string Clang = std::string(MELF_LLVM_BIN) + (CXX ? "/clang++" : "/clang");
  Steps S = stepsOf(argc, argv);

  std::vector<std::string> Args{Clang};
  // --melf-runtime=full|min is the driver's own option (which runtime a
  // link uses, as `melf-config --runtime=`), never passed to clang.
  std::vector<char *> Own;
  for (int I = 1; I < argc; ++I) {
    StringRef A = argv[I];
    if (!A.consume_front("--melf-runtime=")) {
      Own.push_back(argv[I]);
      continue;
    }
    if (!L.setRuntime(A.str())) {
      errs() << sys::path::filename(argv[0]) << ": error: unknown runtime '"
             << A << "' in --melf-runtime= (expected 'full' or 'min')\n";
      return 1;
    }
  }
  // Preprocessed input (a distcc server's job) needs only the plugin.
  if (S.Compiles)
    for (std::string &F : L.compileFlags())
      if (S.Preprocesses || StringRef(F).starts_with("-fplugin="))
        Args.push_back(std::move(F));
  for (char *A : Own)
    Args.push_back(A);
  if (S.Links) {
    for (std::string &F : L.linkFlags())
      Args.push_back(std::move(F));
    // Objects with asan clones need the ASan runtime: linked here, not
    // through the project's LDFLAGS (docs/variants.md, "The asan variant").
    // A link that also compiles sources cannot be looked into beforehand.
    // Executables get MELF's ASan runtime; shared libraries and static
    // links what -fsanitize=address gives them.
    if (!S.Compiles && !S.HasAsanFlag &&
        llvm::any_of(S.LinkInputs, melf::hasAsanVariant)) {
      if (S.Executable)
        for (std::string &F : L.asanLinkFlags(CXX))
          Args.push_back(std::move(F));
      else
        Args.push_back("-fsanitize=address");
    }
  }

  std::vector<char *> CArgs;
  for (std::string &A : Args)
    CArgs.push_back(A.data());
  CArgs.push_back(nullptr);
  execv(Clang.c_str(), CArgs.data());
  errs() << sys::path::filename(argv[0]) << ": error: cannot run " << Clang
         << ": " << strerror(errno) << "\n";
  return 127;
}
