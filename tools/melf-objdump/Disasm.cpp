//===- Disasm.cpp - disassemble one variant's image with LLVM MC ----------===//
//
// Only the bytes come from the file (through MelfFile's bounds-checked
// ranges); LLVM's object library is not used.
//
//===----------------------------------------------------------------------===//

#include "Print.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/MC/MCAsmInfo.h"
#include "llvm/MC/MCContext.h"
#include "llvm/MC/MCDisassembler/MCDisassembler.h"
#include "llvm/MC/MCInst.h"
#include "llvm/MC/MCInstPrinter.h"
#include "llvm/MC/MCInstrAnalysis.h"
#include "llvm/MC/MCInstrInfo.h"
#include "llvm/MC/MCRegisterInfo.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/MCTargetOptions.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Triple.h"
#include <map>

using namespace llvm;
using namespace melf::objdump;

namespace {

struct MC {
  const Target *T = nullptr;
  std::unique_ptr<MCRegisterInfo> MRI;
  std::unique_ptr<MCAsmInfo> MAI;
  std::unique_ptr<MCSubtargetInfo> STI;
  std::unique_ptr<MCInstrInfo> MII;
  std::unique_ptr<MCContext> Ctx;
  std::unique_ptr<MCDisassembler> Dis;
  std::unique_ptr<MCInstPrinter> IP;
  std::unique_ptr<MCInstrAnalysis> MIA;
  // The address the printer adds a PC-relative immediate to: x86 branches
  // are relative to the next instruction, AArch64's to their own address.
  bool RelToNext = false;

  bool init(uint32_t Arch, std::string &Err) {
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
    else {
      Err = "cannot disassemble arch " + std::to_string(Arch);
      return false;
    }
    T = TargetRegistry::lookupTarget(TT, Err);
    if (!T)
      return false;
    Triple Tr(TT);
    MRI.reset(T->createMCRegInfo(TT));
    MCTargetOptions Opts;
    if (MRI)
      MAI.reset(T->createMCAsmInfo(*MRI, TT, Opts));
    STI.reset(T->createMCSubtargetInfo(TT, "", ""));
    MII.reset(T->createMCInstrInfo());
    if (!MRI || !MAI || !STI || !MII) {
      Err = "no MC support for " + TT;
      return false;
    }
    Ctx = std::make_unique<MCContext>(Tr, MAI.get(), MRI.get(), STI.get());
    Dis.reset(T->createMCDisassembler(*STI, *Ctx));
    // Syntax variant 0 is AT&T on x86.
    IP.reset(T->createMCInstPrinter(Tr, 0, *MAI, *MII, *MRI));
    MIA.reset(T->createMCInstrAnalysis(MII.get()));
    if (!Dis || !IP) {
      Err = "no disassembler for " + TT;
      return false;
    }
    IP->setPrintImmHex(true);
    // Branch targets as addresses, as llvm-objdump prints them.
    IP->setPrintBranchImmAsAddress(true);
    return true;
  }
};

void printBytes(raw_ostream &OS, uint64_t Addr, ArrayRef<uint8_t> B) {
  OS << format("%8" PRIx64 ":", Addr);
  std::string Hex;
  for (uint8_t C : B)
    Hex += {' ', hexdigit(C >> 4, /*LowerCase=*/true),
            hexdigit(C & 15, /*LowerCase=*/true)};
  OS << format(" %-30s", Hex.c_str() + (Hex.empty() ? 0 : 1));
}

} // namespace

bool melf::objdump::disassemble(const MelfFile &F, size_t V, StringRef SymbolName,
                                raw_ostream &OS, std::string &Err) {
  const Meta &M = F.meta();
  const MetaPart &T = M.Parts[MELF_PART_TEXT];
  const std::string &VName = M.Variants[V].Name;
  if (!T.present()) {
    Err = "there is no text part to disassemble";
    return false;
  }
  auto Img = F.imagePart(V, MELF_PART_TEXT);
  if (!Img) {
    Err = "variant '" + VName + "': image (part_offset[text] " +
          hex(M.Variants[V].PartOffset[MELF_PART_TEXT]) + ", size " +
          hex(T.Size) + ") is not inside the file";
    return false;
  }
  MC Mc;
  if (!Mc.init(M.Arch, Err))
    return false;

  // Names for branch targets: slots, then symbols of the loaded code.
  std::map<uint64_t, std::string> Names;
  for (const Symbol &Y : F.symbols())
    if (Y.Type == STT_FUNC && !StringRef(Y.Name).contains(MELF_CLONE_INFIX))
      Names.emplace(Y.Value, Y.Name);
  for (const MetaSlot &Sl : M.Slots)
    Names[Sl.Addr] = Sl.Name;

  int Trap = F.trapByte();
  OS << "\nDisassembly of variant " << VName << " (text part " << hex(T.VAddr)
     << ", file offset " << hex(M.Variants[V].PartOffset[MELF_PART_TEXT])
     << "):\n";

  auto Run = [&](uint64_t Begin, uint64_t End) { // offsets in the part
    uint64_t I = Begin;
    while (I < End) {
      // Collapse trap runs to one line.
      uint64_t J = I;
      while (Trap >= 0 && J < End && (*Img)[J] == Trap)
        ++J;
      if (J - I > 1) {
        printBytes(OS, T.VAddr + I, Img->slice(I, 1));
        OS << "\t" << MELF_X86_TRAP_MNEMONIC << "\t\t\t\t# ... " << (J - I) << " trap bytes to "
           << hex(T.VAddr + J) << "\n";
        I = J;
        continue;
      }
      MCInst Inst;
      uint64_t Size = 0;
      uint64_t Addr = T.VAddr + I;
      ArrayRef<uint8_t> Bytes = Img->slice(I, End - I);
      if (Mc.Dis->getInstruction(Inst, Size, Bytes, Addr, nulls()) !=
              MCDisassembler::Success ||
          Size == 0) {
        Size = std::max<uint64_t>(Size, 1);
        Size = std::min<uint64_t>(Size, End - I);
        printBytes(OS, Addr, Bytes.slice(0, Size));
        OS << "\t<unknown>\n";
        I += Size;
        continue;
      }
      printBytes(OS, Addr, Bytes.slice(0, Size));
      Mc.IP->printInst(&Inst, Mc.RelToNext ? Addr + Size : Addr, "", *Mc.STI,
                       OS);
      uint64_t Target;
      if (Mc.MIA && Mc.MIA->evaluateBranch(Inst, Addr, Size, Target)) {
        auto N = Names.upper_bound(Target);
        if (N != Names.begin()) {
          --N;
          OS << " <" << N->second;
          if (Target != N->first)
            OS << "+" << hex(Target - N->first);
          OS << ">";
        }
      }
      OS << "\n";
      I += Size;
    }
  };

  bool Found = SymbolName.empty();
  uint64_t Cursor = 0;
  for (size_t S = 0; S < M.Slots.size(); ++S) {
    const MetaSlot &Sl = M.Slots[S];
    if (!SymbolName.empty() && Sl.Name != SymbolName)
      continue;
    if (Sl.Addr < T.VAddr || Sl.Addr - T.VAddr > T.Size ||
        Sl.Size > T.Size - (Sl.Addr - T.VAddr)) {
      OS << "\n# slot " << S << " '" << Sl.Name << "' at " << hex(Sl.Addr)
         << " is outside the text part; skipped\n";
      continue;
    }
    Found = true;
    uint64_t Begin = Sl.Addr - T.VAddr;
    uint64_t Start = Begin >= Sl.Prefix ? Begin - Sl.Prefix : Begin;
    if (SymbolName.empty() && Start > Cursor) {
      OS << "\n# between slots\n";
      Run(Cursor, Start);
    }
    if (Start < Begin) {
      // Prefixes are data (signatures, type hashes) or padding: bytes.
      OS << "\n# " << (Begin - Start) << " bytes of slot " << S
         << " before its entry (prefixes, trap padding)\n";
      for (uint64_t I = Start; I < Begin; I += 8) {
        printBytes(OS, T.VAddr + I, Img->slice(I, std::min<uint64_t>(8, Begin - I)));
        OS << "\n";
      }
    }
    bool Own = Sl.hasOwnBody(V);
    OS << "\n" << format_hex_no_prefix(Sl.Addr, 16) << " <" << Sl.Name;
    if (Own && V)
      OS << MELF_CLONE_INFIX << VName;
    OS << ">:\t# slot " << S << ", size " << Sl.Size << ", "
       << (Own ? "own body" : "default bytes") << "\n";
    Run(Begin, Begin + Sl.Size);
    Cursor = std::max(Cursor, Begin + Sl.Size);
  }
  if (SymbolName.empty() && Cursor < T.Size) {
    OS << "\n# after the last slot\n";
    Run(Cursor, T.Size);
  }
  if (!Found) {
    Err = "no slot named '" + SymbolName.str() + "'";
    return false;
  }
  return true;
}
