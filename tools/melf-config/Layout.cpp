//===- Layout.cpp - where a MELF tree keeps its parts ---------------------===//

#include "Layout.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace melf {

Layout Layout::of(const std::string &Exe) {
  Layout L;
  SmallString<256> Bin(sys::path::parent_path(Exe));
  SmallString<256> Prefix(sys::path::parent_path(Bin));
  // Build tree: build/bin/melf-config, build/lib/MELFPlugin.so; libmelf.a
  // and libmelf.so.0 in build/lib (no libmelf.so there: -lmelf links the
  // archive into executables; ld.melf reads it as lib/melf/libmelf.so in
  // -shared links); melf.h and <melf/abi.h> (melf_variant_flags() returns
  // MELF_VF_* bits) in two source directories.
  SmallString<256> LibDir(Prefix);
  sys::path::append(LibDir, "lib");
  L.RtLib = LibDir.str().str();
  L.Includes = {MELF_SOURCE_DIR "/runtime/include", MELF_SOURCE_DIR "/include"};
  SmallString<256> Probe(LibDir);
  sys::path::append(Probe, "MELFPlugin.so");
  if (!sys::fs::exists(Probe)) { // installed: PREFIX/<libdir>/melf
    LibDir = Prefix;
    sys::path::append(LibDir, MELF_INSTALL_LIBDIR, "melf");
    SmallString<256> RtLib(Prefix), Inc(Prefix);
    sys::path::append(RtLib, MELF_INSTALL_LIBDIR);
    sys::path::append(Inc, MELF_INSTALL_INCLUDEDIR);
    L.RtLib = RtLib.str().str();
    L.Includes = {Inc.str().str()};
  }
  L.Bin = Bin.str().str();
  L.Plugin = (LibDir + "/MELFPlugin.so").str();
  L.PassPlugin = (LibDir + "/MELFPass.so").str();
  return L;
}

bool Layout::setCrossTarget(const std::string &Triple) {
  // Clang finds Debian's cross libc (/usr/<triple>) and cross GCC
  // (/usr/lib/gcc-cross/<triple>) for --target=<triple> by itself.
  SmallString<256> Lib(RtLib);
  sys::path::append(Lib, "melf", Triple);
  SmallString<256> Archive(Lib);
  sys::path::append(Archive, "libmelf.a");
  if (!sys::fs::exists(Archive)) {
    errs() << "melf-config: error: no libmelf for " << Triple << " ("
           << Archive << "): build MELF with the cross libc installed "
           << "(libc6-dev-arm64-cross, gcc-aarch64-linux-gnu)\n";
    return false;
  }
  Target = Triple;
  RtLib = Lib.str().str();
  return true;
}

std::vector<std::string> Layout::compileFlags() const {
  std::vector<std::string> F;
  if (!Target.empty())
    F.push_back("--target=" + Target);
  F.push_back("-fplugin=" + Plugin);
  for (const std::string &I : Includes)
    F.push_back("-I" + I);
  return F;
}

bool Layout::setRuntime(const std::string &Profile) {
  if (Profile != "full" && Profile != "min")
    return false;
  MinRuntime = Profile == "min";
  return true;
}

std::vector<std::string> Layout::linkFlags() const {
  // clang -fuse-ld=melf finds ld.melf in the -B directory; -lmelf is the
  // runtime. MELF shared libraries need libmelf.so.0 at run time: outside
  // the system's library directories, a RUNPATH finds it. The minimal
  // runtime is an archive only, for executables: no RUNPATH either.
  std::vector<std::string> F;
  if (!Target.empty())
    F.push_back("--target=" + Target);
  F.insert(F.end(), {"-fuse-ld=melf", "-B" + Bin, "-L" + RtLib,
                     MinRuntime ? "-lmelf_min" : "-lmelf"});
  if (Target.empty() && !MinRuntime && RtLib != "/usr/lib" &&
      RtLib != "/lib" && !StringRef(RtLib).starts_with("/usr/lib/") &&
      !StringRef(RtLib).starts_with("/lib/"))
    F.push_back("-Wl,-rpath," + RtLib);
  return F;
}

std::vector<std::string> Layout::asanLinkFlags(bool CXX) const {
  // What clang -fsanitize=address links into an x86-64 executable
  // (clang -###), with MELF's archives and dynamic lists.
  SmallString<256> Dir(RtLib);
  sys::path::append(Dir, "melf", "asan");
  std::string A = (Dir + "/libclang_rt.asan").str();
  if (!Target.empty() || !sys::fs::exists(A + "-x86_64.a"))
    return {"-fsanitize=address"};
  std::vector<std::string> F{
      "-Wl,--whole-archive," + A + "_static-x86_64.a," + A +
          "-x86_64.a,--no-whole-archive",
      "-Wl,--dynamic-list=" + A + "-x86_64.a.syms"};
  if (CXX)
    F.insert(F.end(), {"-Wl,--whole-archive," + A +
                           "_cxx-x86_64.a,--no-whole-archive",
                       "-Wl,--dynamic-list=" + A + "_cxx-x86_64.a.syms"});
  F.insert(F.end(), {"-Wl,--no-as-needed", "-lpthread", "-lrt", "-lm", "-ldl",
                     "-lresolv"});
  return F;
}

std::string join(const std::vector<std::string> &Flags) {
  std::string S;
  for (const std::string &F : Flags)
    S += (S.empty() ? "" : " ") + F;
  return S;
}

} // namespace melf
