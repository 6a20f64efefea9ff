//===- MCSetup.h - LLVM MC objects for one architecture ---------*- C++ -*-===//
//
// The disassembler, printer and instruction analysis for a MELF_ARCH_*
// value: shared by the disassembly (Disasm.cpp) and the attack-surface
// report (AttackSurface.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef MELF_OBJDUMP_MCSETUP_H
#define MELF_OBJDUMP_MCSETUP_H

#include "llvm/MC/MCAsmInfo.h"
#include "llvm/MC/MCContext.h"
#include "llvm/MC/MCDisassembler/MCDisassembler.h"
#include "llvm/MC/MCInstPrinter.h"
#include "llvm/MC/MCInstrAnalysis.h"
#include "llvm/MC/MCInstrInfo.h"
#include "llvm/MC/MCRegisterInfo.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/Error.h"
#include <memory>

namespace melf {
namespace objdump {

/// The MC objects for one architecture.
struct MC {
  const llvm::Target *T = nullptr;
  std::unique_ptr<llvm::MCRegisterInfo> MRI;
  std::unique_ptr<llvm::MCAsmInfo> MAI;
  std::unique_ptr<llvm::MCSubtargetInfo> STI;
  std::unique_ptr<llvm::MCInstrInfo> MII;
  std::unique_ptr<llvm::MCContext> Ctx;
  std::unique_ptr<llvm::MCDisassembler> Dis;
  std::unique_ptr<llvm::MCInstPrinter> IP;
  std::unique_ptr<llvm::MCInstrAnalysis> MIA;
  // The address the printer adds a PC-relative immediate to: x86 branches
  // are relative to the next instruction, AArch64's to their own address.
  bool RelToNext = false;

  llvm::Error init(uint32_t Arch);
};


} // namespace objdump
} // namespace melf

#endif
