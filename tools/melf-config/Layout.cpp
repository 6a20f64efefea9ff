//===- Layout.cpp - where a MELF tree keeps its parts ---------------------===//

#include "Layout.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace llvm;

namespace melf {

Layout Layout::of(const std::string &Exe) {
  Layout L;
  SmallString<256> Bin(sys::path::parent_path(Exe));
  SmallString<256> Prefix(sys::path::parent_path(Bin));
  // Build tree: build/bin/melf-config, build/lib/MELFPlugin.so; libmelf.a in
  // build/lib (the shared one is in build/lib/shared, so that -lmelf links
  // the archive); melf.h and <melf/abi.h> (melf_variant_flags() returns
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

std::vector<std::string> Layout::compileFlags() const {
  std::vector<std::string> F{"-fplugin=" + Plugin};
  for (const std::string &I : Includes)
    F.push_back("-I" + I);
  return F;
}

std::vector<std::string> Layout::linkFlags() const {
  // clang -fuse-ld=melf finds ld.melf in the -B directory; -lmelf is the
  // runtime.
  return {"-fuse-ld=melf", "-B" + Bin, "-L" + RtLib, "-lmelf"};
}

std::string join(const std::vector<std::string> &Flags) {
  std::string S;
  for (const std::string &F : Flags)
    S += (S.empty() ? "" : " ") + F;
  return S;
}

} // namespace melf
