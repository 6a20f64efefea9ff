//===- AttackSurface.cpp - code and gadgets a variant exposes -------------===//
//
// Every byte comes through MelfFile's bounds-checked ranges; every slot and
// body range is clamped to the text part and the image, so hostile
// metadata gives odd figures, never a read outside the file.
//
//===----------------------------------------------------------------------===//

#include "AttackSurface.h"
#include "MCSetup.h"
#include "llvm/MC/MCInst.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include <algorithm>

using namespace llvm;
using namespace melf::objdump;

CodeStats &CodeStats::operator+=(const CodeStats &O) {
  Functions += O.Functions;
  Bytes += O.Bytes;
  Returns += O.Returns;
  Gadgets += O.Gadgets;
  return *this;
}

namespace {

/// Counts returns and gadgets in ranges of code.
class Scanner {
public:
  Scanner(MC &Mc, uint32_t Arch)
      : Mc(Mc), A64(Arch == MELF_ARCH_AARCH64), Unit(A64 ? 4 : 1) {}

  /// Code B at address Addr; instructions start at Entry (bytes before it
  /// are a body's prefix: data, but gadgets may start there).
  CodeStats scan(ArrayRef<uint8_t> B, uint64_t Addr, uint64_t Entry) const;

private:
  /// The instruction at B[I] (Size bytes), unless it does not decode.
  bool decode(ArrayRef<uint8_t> B, uint64_t I, uint64_t Addr, MCInst &Inst,
              uint64_t &Size) const;
  bool isReturn(const MCInst &I) const {
    return Mc.MII->get(I.getOpcode()).isReturn();
  }
  /// Ends a gadget before the return: control flow or a trap.
  bool stops(const MCInst &I, ArrayRef<uint8_t> Bytes) const;
  bool mayBeReturn(ArrayRef<uint8_t> B, uint64_t K) const;
  /// Does the walk from I reach the return at K (GadgetMaxInsns at most)?
  bool reaches(ArrayRef<uint8_t> B, uint64_t Addr, uint64_t I,
               uint64_t K) const;

  MC &Mc;
  bool A64;
  uint64_t Unit;
};

bool Scanner::decode(ArrayRef<uint8_t> B, uint64_t I, uint64_t Addr,
                     MCInst &Inst, uint64_t &Size) const {
  if (I >= B.size())
    return false;
  Size = 0;
  return Mc.Dis->getInstruction(Inst, Size, B.slice(I), Addr + I, nulls()) ==
             MCDisassembler::Success &&
         Size > 0 && Size <= B.size() - I;
}

bool Scanner::stops(const MCInst &I, ArrayRef<uint8_t> Bytes) const {
  const MCInstrDesc &D = Mc.MII->get(I.getOpcode());
  if (D.mayAffectControlFlow(I, *Mc.MRI) || D.isTrap())
    return true;
  // The MELF traps: hlt (faults in user mode), udf #0.
  if (A64)
    return Bytes.size() == 4 && Bytes[0] == 0 && Bytes[1] == 0 &&
           Bytes[2] == 0 && Bytes[3] == 0;
  return Bytes.size() == 1 && Bytes[0] == MELF_X86_TRAP_BYTE;
}

// Cheap filter before decoding: near and far returns on x86-64 (C3, C2 iw,
// CB, CA iw); on AArch64 the RET family (ret 0xd65f03c0, retaa, retab)
// is among the words whose top byte is 0xd6 (branches to registers).
bool Scanner::mayBeReturn(ArrayRef<uint8_t> B, uint64_t K) const {
  if (A64)
    return K + 4 <= B.size() && B[K + 3] == 0xd6;
  uint8_t C = B[K];
  return C == 0xc3 || C == 0xc2 || C == 0xcb || C == 0xca;
}

bool Scanner::reaches(ArrayRef<uint8_t> B, uint64_t Addr, uint64_t I,
                      uint64_t K) const {
  uint64_t J = I;
  for (unsigned N = 0; N <= GadgetMaxInsns; ++N) {
    if (J == K)
      return true;
    MCInst Inst;
    uint64_t Size;
    if (!decode(B, J, Addr, Inst, Size) || stops(Inst, B.slice(J, Size)))
      return false;
    J += Size;
    if (J > K)
      return false;
  }
  return false;
}

CodeStats Scanner::scan(ArrayRef<uint8_t> B, uint64_t Addr,
                        uint64_t Entry) const {
  CodeStats S;
  S.Bytes = B.size();
  // Returns: linear disassembly from the entry.
  for (uint64_t I = std::min<uint64_t>(Entry, B.size()); I < B.size();) {
    MCInst Inst;
    uint64_t Size;
    if (!decode(B, I, Addr, Inst, Size)) {
      I += Unit;
      continue;
    }
    S.Returns += isReturn(Inst);
    I += Size;
  }
  // Gadgets: every return at any offset (x86: unaligned too), then every
  // start in the window before it.
  uint64_t Window = A64 ? 4 * GadgetMaxInsns : GadgetWindowX86;
  for (uint64_t K = 0; K + Unit <= B.size(); K += Unit) {
    MCInst Inst;
    uint64_t Size;
    if (!mayBeReturn(B, K) || !decode(B, K, Addr, Inst, Size) ||
        !isReturn(Inst))
      continue;
    for (uint64_t I = K >= Window ? K - Window : 0; I <= K; I += Unit)
      S.Gadgets += reaches(B, Addr, I, K);
  }
  return S;
}

/// Executable code outside the text part: the allocated executable
/// sections, or without section headers the executable PT_LOADs.
struct Region {
  uint64_t Addr;
  ArrayRef<uint8_t> Bytes;
};

std::vector<Region> outsideCode(const MelfFile &F) {
  const MetaPart &T = F.meta().Parts[MELF_PART_TEXT];
  auto overlapsText = [&](uint64_t A, uint64_t N) {
    return T.Size && A < T.VAddr + T.Size && T.VAddr < A + N;
  };
  std::vector<Region> R;
  if (F.hasSectionHeaders()) {
    for (const Section &S : F.sections()) {
      const GElf_Shdr &H = S.Hdr;
      if (H.sh_type != SHT_PROGBITS || !(H.sh_flags & SHF_ALLOC) ||
          !(H.sh_flags & SHF_EXECINSTR) || !H.sh_size ||
          H.sh_addr + H.sh_size < H.sh_addr ||
          overlapsText(H.sh_addr, H.sh_size))
        continue;
      if (auto B = F.fileRange(H.sh_offset, H.sh_size))
        R.push_back({H.sh_addr, *B});
    }
    return R;
  }
  for (const GElf_Phdr &P : F.phdrs()) {
    if (P.p_type != PT_LOAD || !(P.p_flags & PF_X) || !P.p_filesz ||
        P.p_vaddr + P.p_filesz < P.p_vaddr)
      continue;
    auto B = F.fileRange(P.p_offset, P.p_filesz);
    if (!B)
      continue;
    // The parts of the segment before and after the text part.
    uint64_t Lo = P.p_vaddr, Hi = P.p_vaddr + P.p_filesz;
    if (!overlapsText(Lo, Hi - Lo)) {
      R.push_back({Lo, *B});
      continue;
    }
    if (T.VAddr > Lo)
      R.push_back({Lo, B->slice(0, T.VAddr - Lo)});
    if (T.VAddr + T.Size < Hi)
      R.push_back({T.VAddr + T.Size, B->slice(T.VAddr + T.Size - Lo)});
  }
  return R;
}

/// Variant V's body in slot S: its bytes in the image Img and where its
/// entry is among them; nothing if the metadata puts it outside the image.
struct Body {
  ArrayRef<uint8_t> Bytes;
  uint64_t Addr = 0, Entry = 0;
};

std::optional<Body> bodyOf(const Meta &M, ArrayRef<uint8_t> Img, size_t S,
                           size_t V) {
  const MetaPart &T = M.Parts[MELF_PART_TEXT];
  const MetaSlot &Sl = M.Slots[S];
  // A variant without its own body has the default's bytes (or, in a
  // reduced variant, trap bytes) over the default body's range.
  size_t W = Sl.hasOwnBody(V) ? V : 0;
  uint64_t Pre = std::min<uint64_t>(M.bodyPrefix(S, W), Sl.Prefix);
  uint64_t Size = std::min<uint64_t>(M.bodySize(S, W), Sl.Size);
  if (Sl.Addr < T.VAddr || Sl.Addr - T.VAddr < Pre)
    return std::nullopt;
  uint64_t Off = Sl.Addr - T.VAddr - Pre;
  if (Off > Img.size() || Pre + Size > Img.size() - Off)
    return std::nullopt;
  return Body{Img.slice(Off, Pre + Size), T.VAddr + Off, Pre};
}

bool allTrap(ArrayRef<uint8_t> B, int Trap) {
  return Trap >= 0 && llvm::all_of(B, [&](uint8_t C) { return C == Trap; });
}

} // namespace

Expected<AttackSurface> melf::objdump::measureAttackSurface(const MelfFile &F) {
  const Meta &M = F.meta();
  MC Mc;
  if (Error E = Mc.init(M.Arch))
    return std::move(E);
  Scanner Sc(Mc, M.Arch);
  int Trap = F.trapByte();
  AttackSurface A;
  A.Slots = M.Slots.size();
  for (const Region &R : outsideCode(F))
    A.Outside += Sc.scan(R.Bytes, R.Addr, 0);

  // The default image's figures per slot, reused where another image has
  // the same bytes (fallbacks, the kept functions of reduced variants).
  std::vector<std::optional<Body>> DefBody(M.Slots.size());
  std::vector<CodeStats> DefStats(M.Slots.size());
  for (size_t V = 0; V < M.Variants.size(); ++V) {
    SurfaceRow Row;
    Row.Name = M.Variants[V].Name;
    std::optional<ArrayRef<uint8_t>> Img =
        M.Parts[MELF_PART_TEXT].present() ? F.imagePart(V, MELF_PART_TEXT)
                                          : std::nullopt;
    Row.InFile = Img.has_value() || !M.Parts[MELF_PART_TEXT].present();
    for (size_t S = 0; Img && S < M.Slots.size(); ++S) {
      std::optional<Body> B = bodyOf(M, *Img, S, V);
      if (!B || B->Bytes.empty() || allTrap(B->Bytes, Trap))
        continue; // removed from this image (or not readable)
      CodeStats C;
      const std::optional<Body> &D = DefBody[S];
      if (V && D && D->Addr == B->Addr && D->Entry == B->Entry &&
          D->Bytes == B->Bytes)
        C = DefStats[S];
      else
        C = Sc.scan(B->Bytes, B->Addr, B->Entry);
      C.Functions = 1;
      if (V == 0) {
        DefBody[S] = B;
        DefStats[S] = C;
      }
      Row.Area += C;
    }
    Row.Total = Row.Area;
    Row.Total += A.Outside;
    Row.Total.Functions = Row.Area.Functions;
    if (V == 0)
      A.Program = Row.Total;
    A.Variants.push_back(std::move(Row));
  }
  return A;
}

namespace {

std::string pct(uint64_t Part, uint64_t Whole) {
  if (!Whole)
    return "-";
  return formatv("{0:F1}%", 100.0 * double(Part) / double(Whole)).str();
}

void row(raw_ostream &OS, StringRef Label, const CodeStats &C,
         const CodeStats &P, bool Functions) {
  std::string Fn = Functions ? std::to_string(C.Functions) : "-";
  OS << format("  %-26s %9s %12llu %7s %9llu %7s %10llu %7s\n",
               Label.str().c_str(), Fn.c_str(), (unsigned long long)C.Bytes,
               pct(C.Bytes, P.Bytes).c_str(), (unsigned long long)C.Returns,
               pct(C.Returns, P.Returns).c_str(),
               (unsigned long long)C.Gadgets,
               pct(C.Gadgets, P.Gadgets).c_str());
}

} // namespace

void melf::objdump::printAttackSurface(const AttackSurface &A,
                                       raw_ostream &OS) {
  OS << "Attack surface: the code a thread running each variant can "
        "execute\n"
     << "  (outside the MELF area, plus the non-trap bodies of its image; "
        "gadgets: up to "
     << GadgetMaxInsns
     << " instructions without control flow, then a return)\n";
  auto C = [](const char *S) { return S; }; // format takes pointers
  OS << format("  %-26s %9s %12s %7s %9s %7s %10s %7s\n", C(""), C("functions"),
               C("code bytes"), C("%"), C("returns"), C("%"), C("gadgets"),
               C("%"));
  const CodeStats &P = A.Program;
  CodeStats Prog = P;
  Prog.Functions = A.Slots;
  row(OS, "program (default image)", Prog, P, true);
  row(OS, "  outside the MELF area", A.Outside, P, false);
  for (const SurfaceRow &R : A.Variants) {
    std::string Label = "variant " + R.Name;
    if (!R.InFile) {
      OS << format("  %-26s image not inside the file\n", Label.c_str());
      continue;
    }
    row(OS, Label, R.Total, P, true);
  }
}

void melf::objdump::jsonAttackSurface(const AttackSurface &A,
                                      json::OStream &J) {
  auto Stats = [&](const CodeStats &C, bool Functions) {
    J.object([&] {
      if (Functions)
        J.attribute("functions", int64_t(C.Functions));
      J.attribute("code_bytes", int64_t(C.Bytes));
      J.attribute("returns", int64_t(C.Returns));
      J.attribute("gadgets", int64_t(C.Gadgets));
    });
  };
  J.attributeObject("attack_surface", [&] {
    J.attribute("gadget_max_instructions", int64_t(GadgetMaxInsns));
    J.attribute("functions", int64_t(A.Slots));
    J.attributeBegin("program");
    Stats(A.Program, false);
    J.attributeEnd();
    J.attributeBegin("outside_area");
    Stats(A.Outside, false);
    J.attributeEnd();
    J.attributeArray("variants", [&] {
      for (const SurfaceRow &R : A.Variants)
        J.object([&] {
          J.attribute("name", R.Name);
          J.attribute("in_file", R.InFile);
          J.attributeBegin("total");
          Stats(R.Total, true);
          J.attributeEnd();
          J.attributeBegin("area");
          Stats(R.Area, true);
          J.attributeEnd();
        });
    });
  });
}
