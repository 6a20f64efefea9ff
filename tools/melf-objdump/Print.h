//===- Print.h - text and JSON reports of a MELF binary ---------*- C++ -*-===//

#ifndef MELF_OBJDUMP_PRINT_H
#define MELF_OBJDUMP_PRINT_H

#include "AttackSurface.h"
#include "MelfFile.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"
#include <string>
#include <vector>

namespace melf {
namespace objdump {

void printVariants(const MelfFile &F, llvm::raw_ostream &OS);
void printLayout(const MelfFile &F, llvm::raw_ostream &OS);
void printSlots(const MelfFile &F, llvm::raw_ostream &OS);

/// The whole report as one JSON object (schema: docs/melf-objdump.md).
/// Violations is included as "verify" when non-null, the attack surface
/// as "attack_surface" when AS is.
void printJson(const MelfFile &F, const std::vector<std::string> *Violations,
               llvm::raw_ostream &OS, const AttackSurface *AS = nullptr);

/// Disassembles the text part of variant V (all slots, or only the slot
/// named Symbol). Fails if there is no text part, the image is not inside
/// the file, the architecture has no disassembler or no slot is named Symbol.
llvm::Error disassemble(const MelfFile &F, size_t V, llvm::StringRef Symbol,
                        llvm::raw_ostream &OS);

} // namespace objdump
} // namespace melf

#endif
