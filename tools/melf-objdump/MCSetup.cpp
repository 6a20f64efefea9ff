//===- MCSetup.cpp - LLVM MC objects for one architecture -----------------===//

#include "MCSetup.h"
#include "melf/abi.h"
#include "llvm/MC/MCTargetOptions.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Triple.h"

using namespace llvm;
using namespace melf::objdump;

Error MC::init(uint32_t Arch) {
  static bool Once = [] {
    InitializeAllTargetInfos();
    InitializeAllTargetMCs();
    InitializeAllDisassemblers();
    return true;
  }();
  (void)Once;
  std::string TT;
  RelToNext = Arch == MELF_ARCH_X86_64;
  if (Arch == MELF_ARCH_X86_64)
    TT = "x86_64-unknown-linux-gnu";
  else if (Arch == MELF_ARCH_AARCH64)
    TT = "aarch64-unknown-linux-gnu";
  else
    return createStringError("cannot disassemble arch " + Twine(Arch));
  std::string Err;
  T = TargetRegistry::lookupTarget(TT, Err);
  if (!T)
    return createStringError(Twine(Err));
  Triple Tr(TT);
  MRI.reset(T->createMCRegInfo(TT));
  MCTargetOptions Opts;
  if (MRI)
    MAI.reset(T->createMCAsmInfo(*MRI, TT, Opts));
  STI.reset(T->createMCSubtargetInfo(TT, "", ""));
  MII.reset(T->createMCInstrInfo());
  if (!MRI || !MAI || !STI || !MII)
    return createStringError("no MC support for " + Twine(TT));
  Ctx = std::make_unique<MCContext>(Tr, MAI.get(), MRI.get(), STI.get());
  Dis.reset(T->createMCDisassembler(*STI, *Ctx));
  // Syntax variant 0 is AT&T on x86.
  IP.reset(T->createMCInstPrinter(Tr, 0, *MAI, *MII, *MRI));
  MIA.reset(T->createMCInstrAnalysis(MII.get()));
  if (!Dis || !IP)
    return createStringError("no disassembler for " + Twine(TT));
  IP->setPrintImmHex(true);
  // Branch targets as addresses, as llvm-objdump prints them.
  IP->setPrintBranchImmAsAddress(true);
  return Error::success();
}

