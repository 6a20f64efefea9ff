//===- Disasm.cpp - disassemble one variant's image with LLVM MC ----------===//
//
// Only the bytes come from the file (through MelfFile's bounds-checked
// ranges, read with libelf); LLVM's object library is not used, so that the
// reader stays independent of the linker's ELF code (MelfFile.h).
//
//===----------------------------------------------------------------------===//

#include "MCSetup.h"
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
#include "llvm/ADT/STLExtras.h"
#include "llvm/TargetParser/Triple.h"
#include <map>

using namespace llvm;
using namespace melf::objdump;

namespace {

void printBytes(raw_ostream &OS, uint64_t Addr, ArrayRef<uint8_t> B) {
  OS << format("%8" PRIx64 ":", Addr);
  std::string Hex;
  for (uint8_t C : B)
    Hex += {' ', hexdigit(C >> 4, /*LowerCase=*/true),
            hexdigit(C & 15, /*LowerCase=*/true)};
  OS << format(" %-30s", Hex.c_str() + (Hex.empty() ? 0 : 1));
}

/// Prints variant V's image of the text part, Img (inside the file).
class Disassembler {
public:
  Disassembler(const MelfFile &F, size_t V, ArrayRef<uint8_t> Img, MC &Mc,
               raw_ostream &OS);
  /// All slots, or the one named Symbol; false if there is none.
  bool run(StringRef Symbol);

private:
  void range(uint64_t Begin, uint64_t End);
  void slot(size_t S, uint64_t Start, uint64_t Begin);
  void branchTarget(const MCInst &Inst, uint64_t Addr, uint64_t Size);

  const MelfFile &F;
  const Meta &M;
  const MetaPart &T;
  size_t V;
  ArrayRef<uint8_t> Img;
  MC &Mc;
  raw_ostream &OS;
  int Trap;
  std::map<uint64_t, std::string> Names; // for branch targets
};

Disassembler::Disassembler(const MelfFile &F, size_t V, ArrayRef<uint8_t> Img,
                           MC &Mc, raw_ostream &OS)
    : F(F), M(F.meta()), T(M.Parts[MELF_PART_TEXT]), V(V), Img(Img), Mc(Mc),
      OS(OS), Trap(F.trapByte()) {
  // Names for branch targets: slots, then symbols of the loaded code.
  for (const Symbol &Y : F.symbols())
    if (Y.Type == STT_FUNC && !StringRef(Y.Name).contains(MELF_CLONE_INFIX))
      Names.emplace(Y.Value, Y.Name);
  for (const MetaSlot &Sl : M.Slots)
    Names[Sl.Addr] = Sl.Name;
}

// " <name+off>" for a branch to a known place.
void Disassembler::branchTarget(const MCInst &Inst, uint64_t Addr,
                                uint64_t Size) {
  uint64_t Target;
  if (!Mc.MIA || !Mc.MIA->evaluateBranch(Inst, Addr, Size, Target))
    return;
  auto N = Names.upper_bound(Target);
  if (N == Names.begin())
    return;
  --N;
  OS << " <" << N->second;
  if (Target != N->first)
    OS << "+" << hex(Target - N->first);
  OS << ">";
}

// Instructions of [Begin, End) (offsets in the part), trap runs collapsed
// to one line.
void Disassembler::range(uint64_t Begin, uint64_t End) {
  uint64_t I = Begin;
  while (I < End) {
    // x86-64 traps are bytes, AArch64's (udf #0, zero bytes) words.
    bool A64 = M.Arch == MELF_ARCH_AARCH64;
    uint64_t Step = A64 ? 4 : 1;
    uint64_t J = I;
    while (Trap >= 0 && J + Step <= End &&
           llvm::all_of(Img.slice(J, Step), [&](uint8_t B) { return B == Trap; }))
      J += Step;
    if (J - I > Step || (A64 && J > I)) {
      printBytes(OS, T.VAddr + I, Img.slice(I, Step));
      OS << "\t"
         << (A64 ? MELF_AARCH64_TRAP_MNEMONIC : MELF_X86_TRAP_MNEMONIC)
         << "\t\t\t\t# ... " << (J - I) << " trap bytes to "
         << hex(T.VAddr + J) << "\n";
      I = J;
      continue;
    }
    MCInst Inst;
    uint64_t Size = 0;
    uint64_t Addr = T.VAddr + I;
    ArrayRef<uint8_t> Bytes = Img.slice(I, End - I);
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
    branchTarget(Inst, Addr, Size);
    OS << "\n";
    I += Size;
  }
}

// Slot S: its bytes from Start (prefixes included) to the entry at Begin,
// then its code.
void Disassembler::slot(size_t S, uint64_t Start, uint64_t Begin) {
  const MetaSlot &Sl = M.Slots[S];
  if (Start < Begin) {
    // Prefixes are data (signatures, type hashes) or padding: bytes.
    OS << "\n# " << (Begin - Start) << " bytes of slot " << S
       << " before its entry (prefixes, trap padding)\n";
    for (uint64_t I = Start; I < Begin; I += 8) {
      printBytes(OS, T.VAddr + I,
                 Img.slice(I, std::min<uint64_t>(8, Begin - I)));
      OS << "\n";
    }
  }
  bool Own = Sl.hasOwnBody(V);
  OS << "\n" << format_hex_no_prefix(Sl.Addr, 16) << " <" << Sl.Name;
  if (Own && V)
    OS << MELF_CLONE_INFIX << M.Variants[V].Name;
  OS << ">:\t# slot " << S << ", size " << Sl.Size << ", "
     << (Own ? "own body" : "default bytes") << "\n";
  range(Begin, Begin + Sl.Size);
}

bool Disassembler::run(StringRef Symbol) {
  OS << "\nDisassembly of variant " << M.Variants[V].Name << " (text part "
     << hex(T.VAddr) << ", file offset "
     << hex(M.Variants[V].PartOffset[MELF_PART_TEXT]) << "):\n";
  bool Found = Symbol.empty();
  uint64_t Cursor = 0;
  for (size_t S = 0; S < M.Slots.size(); ++S) {
    const MetaSlot &Sl = M.Slots[S];
    if (!Symbol.empty() && Sl.Name != Symbol)
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
    if (Symbol.empty() && Start > Cursor) {
      OS << "\n# between slots\n";
      range(Cursor, Start);
    }
    slot(S, Start, Begin);
    Cursor = std::max(Cursor, Begin + Sl.Size);
  }
  if (Symbol.empty() && Cursor < T.Size) {
    OS << "\n# after the last slot\n";
    range(Cursor, T.Size);
  }
  return Found;
}

} // namespace

Error melf::objdump::disassemble(const MelfFile &F, size_t V,
                                 StringRef Symbol, raw_ostream &OS) {
  const Meta &M = F.meta();
  const MetaPart &T = M.Parts[MELF_PART_TEXT];
  if (!T.present())
    return createStringError(Twine("there is no text part to disassemble"));
  auto Img = F.imagePart(V, MELF_PART_TEXT);
  if (!Img)
    return createStringError(
        "variant '" + M.Variants[V].Name + "': image (part_offset[text] " +
        hex(M.Variants[V].PartOffset[MELF_PART_TEXT]) + ", size " +
        hex(T.Size) + ") is not inside the file");
  MC Mc;
  if (Error E = Mc.init(M.Arch))
    return E;
  if (!Disassembler(F, V, *Img, Mc, OS).run(Symbol))
    return createStringError("no slot named '" + Symbol + "'");
  return Error::success();
}
