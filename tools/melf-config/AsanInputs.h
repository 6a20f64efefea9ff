//===- AsanInputs.h - do link inputs carry asan variants? -------*- C++ -*-===//
//
// An asan variant's bodies call the AddressSanitizer runtime, which clang
// links only with -fsanitize=address. The drivers add that flag to a link
// whose objects (or archive members) have asan clones, so that users never
// put -fsanitize=address into a project's LDFLAGS, where it would reach
// every program the build links (configure's test programs too).
//
//===----------------------------------------------------------------------===//

#ifndef MELF_CONFIG_ASANINPUTS_H
#define MELF_CONFIG_ASANINPUTS_H

#include "llvm/ADT/StringRef.h"

namespace melf {

/// Does the object file or archive at \p Path have a .melf.group entry with
/// MELF_VF_ASAN? Unreadable files and other formats (bitcode, scripts) say
/// no.
bool hasAsanVariant(llvm::StringRef Path);

} // namespace melf

#endif
