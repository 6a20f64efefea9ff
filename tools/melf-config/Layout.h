//===- Layout.h - where a MELF tree keeps its parts -------------*- C++ -*-===//
//
// melf-config and the compiler drivers (melf-clang, melf-clang++) find the
// plugin, libmelf, the headers and ld.melf relative to their own executable:
// in the build tree (build/bin next to build/lib) or in an installation
// (PREFIX/bin next to PREFIX/<libdir>/melf).
//
//===----------------------------------------------------------------------===//

#ifndef MELF_CONFIG_LAYOUT_H
#define MELF_CONFIG_LAYOUT_H

#include <string>
#include <vector>

namespace melf {

struct Layout {
  std::string Bin;        ///< ld.melf's directory (for -B)
  std::string Plugin;     ///< MELFPlugin.so
  std::string PassPlugin; ///< MELFPass.so
  std::string RtLib;      ///< the directory of libmelf.a (for -L)
  std::vector<std::string> Includes; ///< melf.h, <melf/abi.h>

  std::string Target;     ///< cross target triple, empty: the host
  /// Link the minimal runtime (libmelf_min.a: start-up selection only,
  /// docs/runtime.md "The minimal runtime") instead of libmelf.
  bool MinRuntime = false;

  /// Sets MinRuntime from "full" or "min"; false for anything else.
  bool setRuntime(const std::string &Profile);

  /// Cross builds for \p Triple: --target= in the compile and link flags,
  /// libmelf from the triple's directory under RtLib. False (with a
  /// message) if that libmelf was not built.
  bool setCrossTarget(const std::string &Triple);

  /// The layout of the tree the executable \p Exe belongs to.
  static Layout of(const std::string &Exe);

  /// Flags that compile with the plugin: -fplugin=... -I...
  std::vector<std::string> compileFlags() const;
  /// Flags that link a MELF executable: ld.melf and libmelf (or
  /// libmelf_min).
  std::vector<std::string> linkFlags() const;
  /// Flags that link the ASan runtime an asan variant needs into an
  /// executable: MELF's own (RtLib/melf/asan: threads outside instrumented
  /// variants get the C library's allocator; docs/variants.md, "The asan
  /// variant"), or clang's (-fsanitize=address) for cross targets and trees
  /// built without it. \p CXX: with its C++ part, as clang++ links.
  std::vector<std::string> asanLinkFlags(bool CXX) const;
};

/// Joins flags with spaces (for printing).
std::string join(const std::vector<std::string> &Flags);

} // namespace melf

#endif
