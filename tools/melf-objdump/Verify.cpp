//===- Verify.cpp - check the MELF invariants of a binary -----------------===//
//
// One function per group of invariants. Each appends messages naming the
// field that is wrong; checks that depend on an earlier one being true skip
// themselves rather than report follow-on errors.
//
//===----------------------------------------------------------------------===//

#include "Verify.h"
#include "internal.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/Twine.h"
#include <algorithm>
#include <cstring>
#include <map>

using namespace llvm;
using namespace melf::objdump;

namespace {

class Verifier {
public:
  explicit Verifier(const MelfFile &F) : F(F), M(F.meta()) {}
  std::vector<std::string> run();

private:
  void bad(const Twine &T) { Out.push_back(T.str()); }
  std::string var(size_t V) const {
    return "variant " + std::to_string(V) + " '" + M.Variants[V].Name + "'";
  }
  std::string slot(size_t S) const {
    return "slot " + std::to_string(S) + " '" + M.Slots[S].Name + "'";
  }
  bool aligned(uint64_t X) const { return X % M.PageSize == 0; }
  bool textOk() const { return TextOk; }

  void checkWithRuntimeValidator();
  void checkMetaLocation();
  void checkHeader();
  void checkParts();
  void checkVariants();
  void checkImages();
  void checkSlots();
  void checkSymbols();
  void checkBytes();

  const MelfFile &F;
  const Meta &M;
  std::vector<std::string> Out;
  bool TextOk = false; // text part present, page-aligned, inside PT_LOAD
};

/// Does the slot, prefix included, lie inside the text part?
bool slotInText(const MetaSlot &Sl, const MetaPart &T) {
  return Sl.Addr >= T.VAddr + Sl.Prefix && Sl.Addr - T.VAddr <= T.Size &&
         Sl.Size <= T.Size - (Sl.Addr - T.VAddr);
}

bool validVariantName(StringRef N) {
  return melf_check_variant_name(N.data(), N.size()) == MELF_NAME_OK;
}

bool overlaps(uint64_t A, uint64_t ASize, uint64_t B, uint64_t BSize) {
  return ASize && BSize && A < B + BSize && B < A + ASize;
}

} // namespace

void Verifier::checkMetaLocation() {
  const GElf_Ehdr &Eh = F.ehdr();
  if (Eh.e_type != ET_EXEC && Eh.e_type != ET_DYN)
    bad("ELF type " + Twine(Eh.e_type) + " is not an executable (ET_EXEC or "
        "ET_DYN)");
  // The header tables overlap neither the ELF header nor section contents.
  struct Table {
    const char *Name;
    uint64_t Off, Size;
  } Tables[] = {{"program headers", Eh.e_phoff,
                 uint64_t(F.phdrs().size()) * sizeof(Elf64_Phdr)},
                {"section headers", Eh.e_shoff,
                 uint64_t(F.sections().size()) * sizeof(Elf64_Shdr)}};
  for (const Table &T : Tables) {
    if (!T.Size)
      continue;
    if (T.Off < sizeof(Elf64_Ehdr))
      bad(Twine(T.Name) + " at " + hex(T.Off) + " overlap the ELF header");
    for (const Section &S : F.sections())
      if (S.Hdr.sh_type != SHT_NOBITS &&
          overlaps(T.Off, T.Size, S.Hdr.sh_offset, S.Hdr.sh_size))
        bad(Twine(T.Name) + " [" + hex(T.Off) + ", " + hex(T.Off + T.Size) +
            ") overlap the contents of section " + S.Name);
  }
  unsigned NMeta = 0;
  for (const GElf_Phdr &P : F.phdrs())
    NMeta += P.p_type == PT_MELF_META;
  if (NMeta == 0)
    bad("no PT_MELF_META program header (metadata read from the .melf.meta "
        "section)");
  else if (NMeta > 1)
    bad(Twine(NMeta) + " PT_MELF_META program headers (expected one)");
  if (M.FileOffset % 8 || M.VAddr % 8)
    bad(".melf.meta: file offset " + hex(M.FileOffset) + " or address " +
        hex(M.VAddr) + " is not 8-byte aligned");
  // Loaded and read-only: a PT_LOAD maps exactly these file bytes.
  auto Off = F.loadedOffset(M.VAddr, M.FileSize);
  if (!Off || *Off != M.FileOffset)
    bad(".melf.meta: not loaded: no PT_LOAD maps file offset " +
        hex(M.FileOffset) + " at address " + hex(M.VAddr));
  else if (const GElf_Phdr *L = F.loadContaining(M.VAddr, M.FileSize))
    if (L->p_flags & PF_W)
      bad(".melf.meta: loaded by a writable PT_LOAD (it must be read-only)");
  if (!F.hasSectionHeaders())
    return;
  const Section *S = F.findSection(MELF_META_SECTION);
  if (!S) {
    bad("no .melf.meta section");
    return;
  }
  const GElf_Shdr &H = S->Hdr;
  if (H.sh_offset != M.FileOffset || H.sh_size != M.FileSize ||
      H.sh_addr != M.VAddr)
    bad(".melf.meta section (offset " + hex(H.sh_offset) + ", size " +
        hex(H.sh_size) + ", address " + hex(H.sh_addr) +
        ") does not match PT_MELF_META (offset " + hex(M.FileOffset) +
        ", size " + hex(M.FileSize) + ", address " + hex(M.VAddr) + ")");
  if (!(H.sh_flags & SHF_ALLOC) || (H.sh_flags & SHF_WRITE))
    bad(".melf.meta section flags " + hex(H.sh_flags) +
        " are not SHF_ALLOC without SHF_WRITE");
}

void Verifier::checkHeader() {
  const GElf_Ehdr &Eh = F.ehdr();
  if (M.Arch != Eh.e_machine)
    bad(".melf.meta: arch " + Twine(M.Arch) + " is not the ELF e_machine " +
        Twine(Eh.e_machine));
  if (M.Arch != MELF_ARCH_X86_64 && M.Arch != MELF_ARCH_AARCH64)
    bad(".melf.meta: arch " + Twine(M.Arch) + " is not a MELF architecture");
  if (M.PageSize < 4096)
    bad(".melf.meta: page_size " + Twine(M.PageSize) + " is below 4096");
  if (M.Flags)
    bad(".melf.meta: flags " + hex(M.Flags) + " are not zero");
  // Tables in the documented order, without overlap, naturally aligned.
  uint64_t VEnd = M.VariantsOff + uint64_t(M.NVariants) * M.VariantSize;
  uint64_t SEnd = M.SlotsOff + uint64_t(M.NSlots) * M.SlotSize;
  uint64_t ZEnd =
      M.BodiesOff + uint64_t(M.NSlots) * M.NVariants * sizeof(melf_meta_body);
  if (M.VariantsOff < M.HeaderSize)
    bad(".melf.meta: variants_off " + hex(M.VariantsOff) +
        " overlaps the header");
  if (M.SlotsOff < VEnd)
    bad(".melf.meta: slots_off " + hex(M.SlotsOff) +
        " overlaps the variant records (end " + hex(VEnd) + ")");
  if (M.BodiesOff < SEnd)
    bad(".melf.meta: bodies_off " + hex(M.BodiesOff) +
        " overlaps the slot records (end " + hex(SEnd) + ")");
  if (M.StrtabOff < ZEnd)
    bad(".melf.meta: strtab_off " + hex(M.StrtabOff) +
        " overlaps the body table (end " + hex(ZEnd) + ")");
  if (M.VariantsOff % 8 || M.SlotsOff % 8 || M.BodiesOff % 4)
    bad(".melf.meta: variants_off/slots_off/bodies_off " + hex(M.VariantsOff) +
        "/" + hex(M.SlotsOff) + "/" + hex(M.BodiesOff) +
        " are not 8/8/4-byte aligned");
  if (M.Strtab.empty() || M.Strtab[0] != 0)
    bad(".melf.meta: string table (strtab_size " + Twine(M.StrtabSize) +
        ") does not start with the empty string");
  else if (M.Strtab.back() != 0)
    bad(".melf.meta: string table does not end with a NUL");
}

void Verifier::checkParts() {
  static const uint32_t Want[MELF_PART_COUNT] = {PF_R | PF_X, PF_R,
                                                 PF_R | PF_W};
  static const char *const Sec[MELF_PART_COUNT] = {
      MELF_OUT_TEXT, MELF_OUT_RODATA, MELF_OUT_VLDATA};
  for (unsigned P = 0; P < MELF_PART_COUNT; ++P) {
    const MetaPart &Pt = M.Parts[P];
    std::string N = std::string(".melf.meta: parts[") + partName(P) + "]";
    const Section *S = F.findSection(Sec[P]);
    if (!Pt.present()) {
      if (S && S->Hdr.sh_size)
        bad(N + " is absent but section " + Sec[P] + " exists");
      continue;
    }
    if (!Pt.VAddr || !Pt.Size) {
      bad(N + ": vaddr " + hex(Pt.VAddr) + " with size " + hex(Pt.Size) +
          " (an absent part has both 0)");
      continue;
    }
    bool Ok = true;
    if (!aligned(Pt.VAddr) || !aligned(Pt.Size)) {
      bad(N + ": vaddr " + hex(Pt.VAddr) + " or size " + hex(Pt.Size) +
          " is not a multiple of page_size " + Twine(M.PageSize));
      Ok = false;
    }
    if (Pt.VAddr + Pt.Size < Pt.VAddr) {
      bad(N + ": vaddr + size wraps around");
      continue;
    }
    const GElf_Phdr *L = F.loadContaining(Pt.VAddr, Pt.Size);
    if (!L) {
      bad(N + " [" + hex(Pt.VAddr) + ", " + hex(Pt.VAddr + Pt.Size) +
          ") is not inside one PT_LOAD");
      Ok = false;
    } else if ((L->p_flags & (PF_R | PF_W | PF_X)) != Want[P]) {
      bad(N + ": loaded with protection " + Twine(L->p_flags & PF_R ? "r" : "-") +
          (L->p_flags & PF_W ? "w" : "-") + (L->p_flags & PF_X ? "x" : "-") +
          ", expected " + (P == MELF_PART_TEXT ? "r-x"
                           : P == MELF_PART_RODATA ? "r--" : "rw-"));
    }
    if (F.hasSectionHeaders()) {
      if (!S)
        bad(N + " is present but there is no " + Sec[P] + " section");
      else if (S->Hdr.sh_addr != Pt.VAddr || S->Hdr.sh_size != Pt.Size)
        bad(N + " (vaddr " + hex(Pt.VAddr) + ", size " + hex(Pt.Size) +
            ") does not match section " + Sec[P] + " (address " +
            hex(S->Hdr.sh_addr) + ", size " + hex(S->Hdr.sh_size) + ")");
      // The part shares no page with anything else.
      for (const Section &O : F.sections())
        if (&O != S && (O.Hdr.sh_flags & SHF_ALLOC) &&
            overlaps(O.Hdr.sh_addr, O.Hdr.sh_size, Pt.VAddr, Pt.Size))
          bad(N + " shares its pages with section " + O.Name);
    }
    for (unsigned Q = 0; Q < P; ++Q)
      if (overlaps(Pt.VAddr, Pt.Size, M.Parts[Q].VAddr, M.Parts[Q].Size))
        bad(N + " overlaps parts[" + partName(Q) + "]");
    if (P == MELF_PART_TEXT)
      TextOk = Ok;
  }
  if (M.NSlots && !M.Parts[MELF_PART_TEXT].present())
    bad(".melf.meta: " + Twine(M.NSlots) + " slots but no text part");
}

void Verifier::checkVariants() {
  std::map<std::string, size_t> Seen;
  for (size_t V = 0; V < M.Variants.size(); ++V) {
    const MetaVariant &R = M.Variants[V];
    std::string N = var(V);
    if (!R.NameTerminated)
      bad(N + ": name is not NUL-terminated within " + Twine(MELF_NAME_MAX) +
          " bytes");
    else if (!validVariantName(R.Name))
      bad(N + ": name is not 1-31 characters of [A-Za-z0-9_-] starting with "
          "a letter");
    auto Ins = Seen.emplace(R.Name, V);
    if (!Ins.second)
      bad(N + ": same name as variant " + Twine(Ins.first->second));
    if (V == 0) {
      if (R.Name != MELF_DEFAULT_VARIANT)
        bad(N + ": variant 0 must be named 'default'");
      if (!(R.Flags & MELF_VF_DEFAULT))
        bad(N + ": flags " + hex(R.Flags) + " lack MELF_VF_DEFAULT");
      if (R.Arch || R.ISA)
        bad(N + ": the default variant has arch " + Twine(R.Arch) +
            " and isa_features " + hex(R.ISA) + " (expected 0)");
    } else {
      if (R.Name == MELF_DEFAULT_VARIANT)
        bad(N + ": only variant 0 may be named 'default'");
      if (R.Flags & MELF_VF_DEFAULT)
        bad(N + ": flags " + hex(R.Flags) + " have MELF_VF_DEFAULT");
      if ((R.Flags & MELF_VF_REDUCED) && (R.Arch || R.ISA ||
                                          R.Flags != MELF_VF_REDUCED))
        bad(N + ": a reduced variant has flags " + hex(R.Flags) + ", arch " +
            Twine(R.Arch) + " and isa_features " + hex(R.ISA) +
            " (expected MELF_VF_REDUCED, 0 and 0)");
    }
    if (R.Flags & ~uint32_t(MELF_VF_KNOWN))
      bad(N + ": flags " + hex(R.Flags) + " has unknown bits");
    if (R.Arch != 0 && R.Arch != M.Arch)
      bad(N + ": arch " + Twine(R.Arch) + " is neither 0 nor the metadata "
          "arch " + Twine(M.Arch));
    if (R.Arch == 0 && R.ISA)
      bad(N + ": isa_features " + hex(R.ISA) + " without an arch");
    if (R.Arch != 0 && (R.ISA & ~melf_isa_assigned(R.Arch)))
      bad(N + ": isa_features " + hex(R.ISA) + " has unassigned bits for arch " +
          Twine(R.Arch));

    for (unsigned P = 0; P < MELF_PART_COUNT; ++P) {
      uint64_t Off = R.PartOffset[P];
      const MetaPart &Pt = M.Parts[P];
      std::string FN = N + ": part_offset[" + partName(P) + "] " + hex(Off);
      if (P == MELF_PART_VLDATA) {
        // Not per image: 0 for every variant (docs/melf-abi.md).
        if (Off)
          bad(FN + " is not 0 (view-local data is not per image)");
        continue;
      }
      if (!Pt.present()) {
        if (Off)
          bad(FN + " is not 0 but the part is absent");
        continue;
      }
      if (!Off || !aligned(Off)) {
        bad(FN + " is not a non-zero multiple of page_size");
        continue;
      }
      if (!F.fileRange(Off, Pt.Size)) {
        bad(FN + " + size " + hex(Pt.Size) +
            " extends past the end of the file (size " +
            hex(F.bytes().size()) + ")");
        continue;
      }
      if (V == 0) {
        // The default image is what the PT_LOADs map at the part.
        auto L = F.loadedOffset(Pt.VAddr, Pt.Size);
        if (!L || *L != Off)
          bad(FN + " is not the file offset PT_LOAD maps at parts[" +
              partName(P) + "] " + hex(Pt.VAddr) +
              (L ? " (that is " + hex(*L) + ")" : std::string()));
      }
    }
  }
  // No two per-image copies share file bytes.
  struct Range {
    uint64_t Off, Size;
    size_t V;
    unsigned P;
  };
  std::vector<Range> Rs;
  for (size_t V = 0; V < M.Variants.size(); ++V)
    for (unsigned P = 0; P < MELF_PART_VLDATA; ++P)
      if (M.Parts[P].present() && M.Variants[V].PartOffset[P])
        Rs.push_back({M.Variants[V].PartOffset[P], M.Parts[P].Size, V, P});
  for (size_t I = 0; I < Rs.size(); ++I)
    for (size_t J = I + 1; J < Rs.size(); ++J)
      if (overlaps(Rs[I].Off, Rs[I].Size, Rs[J].Off, Rs[J].Size))
        bad(var(Rs[J].V) + ": " + partName(Rs[J].P) + " copy at " +
            hex(Rs[J].Off) + " overlaps the " + partName(Rs[I].P) +
            " copy of " + var(Rs[I].V) + " at " + hex(Rs[I].Off));
}

void Verifier::checkImages() {
  const MetaPart &T = M.Parts[MELF_PART_TEXT];
  const MetaPart &R = M.Parts[MELF_PART_RODATA];
  uint64_t ImageSize = T.Size + R.Size;
  std::vector<const GElf_Phdr *> Images;
  for (const GElf_Phdr &P : F.phdrs())
    if (P.p_type == PT_MELF_IMAGE)
      Images.push_back(&P);
  if (Images.size() != M.Variants.size() - 1)
    bad(Twine(Images.size()) + " PT_MELF_IMAGE program headers for " +
        Twine(M.Variants.size() - 1) + " non-default variants");
  std::vector<bool> Used(Images.size());
  for (size_t V = 1; V < M.Variants.size() && T.present(); ++V) {
    uint64_t Off = M.Variants[V].PartOffset[MELF_PART_TEXT];
    size_t I = 0;
    while (I < Images.size() && Images[I]->p_offset != Off)
      ++I;
    if (I == Images.size()) {
      bad(var(V) + ": no PT_MELF_IMAGE program header at its part_offset[text] " +
          hex(Off));
      continue;
    }
    Used[I] = true;
    const GElf_Phdr &P = *Images[I];
    std::string N = var(V) + ": PT_MELF_IMAGE";
    // p_vaddr/p_memsz are informational: GNU strip and objcopy rewrite them
    // for segments without SHF_ALLOC sections (docs/melf-abi.md, section 4).
    if (P.p_filesz != ImageSize)
      bad(N + " p_filesz " + hex(P.p_filesz) +
          " is not the size of the per-image parts " + hex(ImageSize));
    if (!F.fileRange(P.p_offset, P.p_filesz))
      bad(N + " (p_offset " + hex(P.p_offset) + ", p_filesz " +
          hex(P.p_filesz) + ") extends past the end of the file");
    if (!aligned(P.p_offset))
      bad(N + " p_offset " + hex(P.p_offset) + " is not page-aligned");
    uint64_t ROff = M.Variants[V].PartOffset[MELF_PART_RODATA];
    if (R.present() && ROff &&
        (ROff < P.p_offset || ROff - P.p_offset > P.p_filesz ||
         R.Size > P.p_filesz - (ROff - P.p_offset)))
      bad(N + " does not cover part_offset[rodata] " + hex(ROff));
    for (const GElf_Phdr &L : F.phdrs())
      if (L.p_type == PT_LOAD &&
          overlaps(L.p_offset, L.p_filesz, P.p_offset, P.p_filesz))
        bad(N + " file range [" + hex(P.p_offset) + ", " +
            hex(P.p_offset + P.p_filesz) + ") overlaps a PT_LOAD");
    // The non-alloc section that holds the image.
    if (F.hasSectionHeaders()) {
      std::string SN = MELF_OUT_IMAGE_PREFIX + M.Variants[V].Name;
      const Section *S = F.findSection(SN);
      if (!S)
        bad(var(V) + ": no section " + SN);
      else if (S->Hdr.sh_offset != Off || S->Hdr.sh_addr != T.VAddr ||
               (S->Hdr.sh_size != T.Size && S->Hdr.sh_size != ImageSize))
        bad("section " + SN + " (offset " + hex(S->Hdr.sh_offset) +
            ", address " + hex(S->Hdr.sh_addr) + ", size " +
            hex(S->Hdr.sh_size) + ") does not match the image (offset " +
            hex(Off) + ", address " + hex(T.VAddr) + ", size " + hex(T.Size) +
            ")");
      else if (S->Hdr.sh_flags & SHF_ALLOC)
        bad("section " + SN + " is SHF_ALLOC");
    }
  }
  for (size_t I = 0; I < Images.size(); ++I)
    if (!Used[I])
      bad("PT_MELF_IMAGE at p_offset " + hex(Images[I]->p_offset) +
          " belongs to no variant");
  for (const Section &S : F.sections()) {
    StringRef N = S.Name;
    if (S.NameOk && N.consume_front(MELF_OUT_IMAGE_PREFIX) &&
        (F.findVariant(N) <= 0))
      bad("section " + S.Name + " names no non-default variant");
  }
  // .eh_frame is the rodata part; .eh_frame_hdr, the same for every image,
  // stays outside it (docs/melf-abi.md, "Unwinding").
  if (R.present())
    for (const GElf_Phdr &P : F.phdrs())
      if (P.p_type == PT_GNU_EH_FRAME &&
          overlaps(P.p_vaddr, P.p_memsz, R.VAddr, R.Size))
        bad("PT_GNU_EH_FRAME " + hex(P.p_vaddr) +
            " is inside the rodata part (it must be the same in every image)");
}

void Verifier::checkSlots() {
  const MetaPart &T = M.Parts[MELF_PART_TEXT];
  uint64_t AllVariants =
      M.NVariants >= 64 ? ~uint64_t(0) : (uint64_t(1) << M.NVariants) - 1;
  for (size_t S = 0; S < M.Slots.size(); ++S) {
    const MetaSlot &Sl = M.Slots[S];
    std::string N = slot(S);
    if (!Sl.NameOk)
      bad(N + ": name_off " + Twine(Sl.NameOff) +
          " is not a NUL-terminated string inside strtab (strtab_size " +
          Twine(M.StrtabSize) + ")");
    else if (Sl.Name.empty())
      bad(N + ": empty name (name_off " + Twine(Sl.NameOff) + ")");
    if (Sl.Size == 0)
      bad(N + ": size 0");
    if (Sl.Reserved)
      bad(N + ": reserved " + hex(Sl.Reserved) + " is not zero");
    if (Sl.Prefix > MELF_MAX_PREFIX)
      bad(N + ": prefix " + Twine(Sl.Prefix) + " exceeds " +
          Twine(MELF_MAX_PREFIX));
    if (T.present() && !slotInText(Sl, T))
      bad(N + ": [" + hex(Sl.Addr - Sl.Prefix) + ", " +
          hex(Sl.Addr + Sl.Size) + ") is not inside the text part [" +
          hex(T.VAddr) + ", " + hex(T.VAddr + T.Size) + ")");
    if (S > 0) {
      const MetaSlot &Pr = M.Slots[S - 1];
      if (Sl.Addr <= Pr.Addr)
        bad(N + ": address " + hex(Sl.Addr) + " is not above slot " +
            Twine(S - 1) + "'s " + hex(Pr.Addr) + " (slots are sorted)");
      else if (Pr.Addr + Pr.Size > Sl.Addr - Sl.Prefix)
        bad(N + ": overlaps slot " + Twine(S - 1) + " [" + hex(Pr.Addr) +
            ", " + hex(Pr.Addr + Pr.Size) + ")");
    }
    if (!(Sl.Present & 1))
      bad(N + ": present " + hex(Sl.Present) + " lacks bit 0 (default)");
    if (Sl.Present & ~AllVariants)
      bad(N + ": present " + hex(Sl.Present) + " has bits for variants " +
          "beyond nvariants " + Twine(M.NVariants));
    for (size_t V = 0; V < M.Variants.size(); ++V) {
      uint32_t B = M.bodySize(S, V);
      std::string BN = N + ": bodies[" + std::to_string(S) + "][" +
                       std::to_string(V) + "].size " + std::to_string(B);
      if (M.bodyPrefix(S, V) > Sl.Prefix)
        bad(N + ": bodies[" + std::to_string(S) + "][" + std::to_string(V) +
            "].prefix " + Twine(M.bodyPrefix(S, V)) +
            " exceeds the slot's prefix " + Twine(Sl.Prefix));
      if ((M.Variants[V].Flags & MELF_VF_REDUCED) && Sl.hasOwnBody(V))
        bad(N + ": reduced " + var(V) + " has its own body (present " +
            hex(Sl.Present) + ")");
      if (Sl.hasOwnBody(V)) {
        if (B == 0)
          bad(BN + " is 0 but " + var(V) + " has its own body");
        else if (B > Sl.Size)
          bad(BN + " exceeds the slot size " + Twine(Sl.Size));
      } else if ((B != 0 || M.bodyPrefix(S, V) != 0) &&
                 (B != M.bodySize(S, 0) ||
                  M.bodyPrefix(S, V) != M.bodyPrefix(S, 0))) {
        bad(BN + ": " + var(V) + " has no own body, so it is 0 or the "
            "default body's size and prefix " + Twine(M.bodySize(S, 0)) +
            "+" + Twine(M.bodyPrefix(S, 0)));
      }
    }
  }
}

void Verifier::checkSymbols() {
  if (F.symbols().empty())
    return; // stripped
  std::multimap<std::string, const Symbol *> ByName;
  for (const Symbol &Y : F.symbols())
    ByName.emplace(Y.Name, &Y);
  // A symbol `Name`, or `Name.<suffix>` that a compiler pass added after the
  // MELF pass (`.cfi`, `.dfsan`, `.llvm.N`: docs/melf-abi.md, "Symbols"),
  // at Addr.
  auto Find = [&](const std::string &Name, uint64_t Addr) -> const Symbol * {
    for (auto I = ByName.lower_bound(Name);
         I != ByName.end() && StringRef(I->first).starts_with(Name); ++I)
      if (I->second->Value == Addr &&
          (I->first.size() == Name.size() || I->first[Name.size()] == '.'))
        return I->second;
    return nullptr;
  };
  for (size_t S = 0; S < M.Slots.size(); ++S) {
    const MetaSlot &Sl = M.Slots[S];
    if (!Sl.NameOk)
      continue;
    if (!Find(Sl.Name, Sl.Addr))
      bad(slot(S) + ": no symbol '" + Sl.Name + "' at the slot address " +
          hex(Sl.Addr));
    for (size_t V = 1; V < M.Variants.size(); ++V) {
      if (!Sl.hasOwnBody(V))
        continue;
      std::string CN = Sl.Name + MELF_CLONE_INFIX + M.Variants[V].Name;
      const Symbol *C = Find(CN, Sl.Addr);
      if (!C) {
        bad(slot(S) + ": no clone symbol '" + CN + "' at the slot address " +
            hex(Sl.Addr));
        continue;
      }
      const Section *IS =
          F.findSection(MELF_OUT_IMAGE_PREFIX + M.Variants[V].Name);
      if (IS && C->Shndx != IS->Index)
        bad(slot(S) + ": clone symbol '" + CN + "' is in section " +
            Twine(C->Shndx) + ", not in " + IS->Name);
    }
  }
}

void Verifier::checkBytes() {
  int Trap = F.trapByte();
  const MetaPart &T = M.Parts[MELF_PART_TEXT];
  if (!TextOk || !T.present())
    return;
  auto Default = F.imagePart(0, MELF_PART_TEXT);
  for (size_t V = 0; V < M.Variants.size(); ++V) {
    auto Img = F.imagePart(V, MELF_PART_TEXT);
    if (!Img)
      continue; // reported by checkVariants
    uint64_t Cursor = 0, GapBad = 0, FirstGapBad = 0;
    for (size_t S = 0; S < M.Slots.size(); ++S) {
      const MetaSlot &Sl = M.Slots[S];
      if (!slotInText(Sl, T))
        continue; // reported by checkSlots
      uint64_t Begin = Sl.Addr - T.VAddr; // the entry
      uint64_t Start = Begin - Sl.Prefix;
      // Bytes between slots are traps.
      for (uint64_t I = Cursor; Trap >= 0 && I < Start; ++I)
        if ((*Img)[I] != Trap && !GapBad++)
          FirstGapBad = T.VAddr + I;
      Cursor = std::max(Cursor, Begin + Sl.Size);
      bool Own = Sl.hasOwnBody(V);
      if (M.isRemoved(S, V)) {
        // Removed from a reduced variant: trap bytes over the whole slot.
        for (uint64_t I = Start; Trap >= 0 && I < Begin + Sl.Size; ++I)
          if ((*Img)[I] != Trap) {
            bad(slot(S) + ": " + var(V) + " removes it, but its byte at " +
                hex(T.VAddr + I) + " is " + hex((*Img)[I]) +
                ", not the trap " + hex(Trap));
            break;
          }
        continue;
      }
      if (!Own && V != 0 && Default) {
        if (memcmp(Img->data() + Start, Default->data() + Start,
                   Sl.Prefix + Sl.Size))
          bad(slot(S) + ": " + var(V) + " has no own body, but its bytes "
              "differ from the default image's");
        continue;
      }
      uint32_t Body = M.bodySize(S, Own ? V : 0);
      uint32_t Pre = M.bodyPrefix(S, Own ? V : 0);
      if (Trap < 0 || Body > Sl.Size || Pre > Sl.Prefix)
        continue;
      // Before a body's prefix: traps up to the slot's start.
      for (uint64_t I = Start; I < Begin - Pre; ++I)
        if ((*Img)[I] != Trap) {
          bad(slot(S) + ": " + var(V) + ": padding byte at " +
              hex(T.VAddr + I) + " before the body's prefix is " +
              hex((*Img)[I]) + ", not the trap " + hex(Trap));
          break;
        }
      for (uint64_t I = Begin + Body; I < Begin + Sl.Size; ++I)
        if ((*Img)[I] != Trap) {
          bad(slot(S) + ": " + var(V) + ": padding byte at " +
              hex(T.VAddr + I) + " is " + hex((*Img)[I]) + ", not the trap " +
              hex(Trap));
          break;
        }
    }
    for (uint64_t I = Cursor; Trap >= 0 && I < T.Size; ++I)
      if ((*Img)[I] != Trap && !GapBad++)
        FirstGapBad = T.VAddr + I;
    if (GapBad)
      bad(var(V) + ": " + Twine(GapBad) + " bytes of the text part outside "
          "the slots are not traps (first at " + hex(FirstGapBad) + ")");
  }
}

// libmelf's own validator (runtime/src/meta.c) over the same bytes: a binary
// --verify accepts is one the runtime accepts. The checks below add what the
// runtime does not look at (symbols, padding bytes, section headers).
void Verifier::checkWithRuntimeValidator() {
  ArrayRef<uint8_t> B = F.bytes();
  if (M.FileOffset > B.size() || M.FileSize > B.size() - M.FileOffset)
    return; // reported by the reader
  std::vector<melf_ph> Ph;
  for (const GElf_Phdr &P : F.phdrs())
    Ph.push_back({uint32_t(P.p_type), uint32_t(P.p_flags), P.p_offset,
                  P.p_vaddr, 0, P.p_filesz, P.p_memsz, 0});
  melf_layout L;
  char Why[256] = "";
  if (melf_meta_parse(B.data() + M.FileOffset, M.FileSize, M.VAddr, Ph.data(),
                      int(Ph.size()), F.ehdr().e_machine, 0, B.size(), &L, Why,
                      sizeof Why) != 0)
    bad(Twine("libmelf rejects the metadata: ") + Why);
}

std::vector<std::string> Verifier::run() {
  for (const std::string &P : F.readProblems())
    bad(P);
  checkWithRuntimeValidator();
  checkMetaLocation();
  checkHeader();
  checkParts();
  checkVariants();
  checkImages();
  checkSlots();
  checkSymbols();
  checkBytes();
  for (std::string &P : verifyAArch64(F))
    bad(P);
  return std::move(Out);
}

std::vector<std::string> melf::objdump::verify(const MelfFile &F) {
  return Verifier(F).run();
}
