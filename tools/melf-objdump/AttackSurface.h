//===- AttackSurface.h - code and gadgets a variant exposes -----*- C++ -*-===//
//
// The metric of thread-level attack-surface reduction (docs/security.md):
// for each variant, the code a thread running it can execute, i.e. the
// program's code outside the MELF area plus the bytes of the bodies in that
// variant's image that are not trap bytes (a reduced variant's removed
// functions are all trap), and how many return instructions and gadgets
// that code holds, next to the same figures for the whole program.
//
//===----------------------------------------------------------------------===//

#ifndef MELF_OBJDUMP_ATTACKSURFACE_H
#define MELF_OBJDUMP_ATTACKSURFACE_H

#include "MelfFile.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"
#include <string>
#include <vector>

namespace melf {
namespace objdump {

/// A gadget: a start address from which at most GadgetMaxInsns
/// instructions, none of them a branch, call, return or trap, decode up to
/// a return instruction (counted too; a return alone is a gadget). x86-64
/// starts at every byte up to GadgetWindowX86 bytes before the return
/// (unintended instructions included), AArch64 at every word.
constexpr unsigned GadgetMaxInsns = 5;
constexpr unsigned GadgetWindowX86 = 30;

struct CodeStats {
  uint64_t Functions = 0; // slots with code (area rows only)
  uint64_t Bytes = 0;     // code bytes
  uint64_t Returns = 0;   // return instructions (linear disassembly)
  uint64_t Gadgets = 0;   // gadget start addresses
  CodeStats &operator+=(const CodeStats &O);
};

struct SurfaceRow {
  std::string Name;
  bool InFile = true; // false: the image is not inside the file
  CodeStats Area;     // the variant's bodies in the MELF area
  CodeStats Total;    // Area + the code outside the area
};

struct AttackSurface {
  uint64_t Slots = 0;
  CodeStats Outside; // executable sections outside the area
  CodeStats Program; // Outside + the default image's bodies
  std::vector<SurfaceRow> Variants;
};

/// Measures every variant of F. Fails if the architecture has no
/// disassembler.
llvm::Expected<AttackSurface> measureAttackSurface(const MelfFile &F);
void printAttackSurface(const AttackSurface &A, llvm::raw_ostream &OS);
/// The "attack_surface" member of --json's object.
void jsonAttackSurface(const AttackSurface &A, llvm::json::OStream &J);

} // namespace objdump
} // namespace melf

#endif
