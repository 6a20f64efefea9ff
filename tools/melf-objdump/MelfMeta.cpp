//===- MelfMeta.cpp - the .melf.meta records of a MELF executable ---------===//
//
// Finds the metadata (PT_MELF_META, else the .melf.meta section), reads its
// header and records with explicit little-endian reads, and checks what must
// hold to read the records at all. Everything else is verify()'s.
//
//===----------------------------------------------------------------------===//

#include "MelfFile.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Endian.h"
#include <cstring>

using namespace llvm;
using namespace melf::objdump;
using llvm::support::endian::read16le;
using llvm::support::endian::read32le;
using llvm::support::endian::read64le;

static Error metaError(const Twine &T) {
  return createStringError(MELF_META_SECTION ": " + T);
}

// Prefer PT_MELF_META, which is what the runtime reads.
Error MelfFile::locateMeta() {
  const GElf_Phdr *MP = nullptr;
  for (const GElf_Phdr &P : Phdrs)
    if (P.p_type == PT_MELF_META) {
      MP = &P;
      break;
    }
  const Section *MS = findSection(MELF_META_SECTION);
  if (MP) {
    M.FromPhdr = true;
    M.FileOffset = MP->p_offset;
    M.FileSize = MP->p_filesz;
    M.VAddr = MP->p_vaddr;
    if (!fileRange(M.FileOffset, M.FileSize))
      return metaError("PT_MELF_META (p_offset " + hex(M.FileOffset) +
                       ", p_filesz " + hex(M.FileSize) +
                       ") extends past the end of the file (size " +
                       hex(Bytes.size()) + ")");
    return Error::success();
  }
  if (!MS)
    return createStringError(
        Twine("MELF sections or program headers present, but neither "
              "PT_MELF_META nor a .melf.meta section"));
  if (MS->Hdr.sh_type == SHT_NOBITS)
    return metaError("section has no file contents (SHT_NOBITS)");
  M.FileOffset = MS->Hdr.sh_offset;
  M.FileSize = MS->Hdr.sh_size;
  M.VAddr = MS->Hdr.sh_addr;
  if (!fileRange(M.FileOffset, M.FileSize))
    return metaError("section (sh_offset " + hex(M.FileOffset) + ", sh_size " +
                     hex(M.FileSize) + ") extends past the end of the file");
  return Error::success();
}

// The header fields, as stored; D is at least a header long, or nothing is
// read (checkMetaHeader reports it).
void MelfFile::readMetaHeader(ArrayRef<uint8_t> D) {
  if (D.size() < sizeof(melf_meta_header))
    return;
  const uint8_t *P = D.data();
  M.Magic = read32le(P + offsetof(melf_meta_header, magic));
  M.Version = read16le(P + offsetof(melf_meta_header, version));
  M.HeaderSize = read16le(P + offsetof(melf_meta_header, header_size));
  M.PageSize = read32le(P + offsetof(melf_meta_header, page_size));
  M.Arch = read32le(P + offsetof(melf_meta_header, arch));
  M.NVariants = read32le(P + offsetof(melf_meta_header, nvariants));
  M.VariantSize = read32le(P + offsetof(melf_meta_header, variant_size));
  M.NSlots = read32le(P + offsetof(melf_meta_header, nslots));
  M.SlotSize = read32le(P + offsetof(melf_meta_header, slot_size));
  M.VariantsOff = read32le(P + offsetof(melf_meta_header, variants_off));
  M.SlotsOff = read32le(P + offsetof(melf_meta_header, slots_off));
  M.BodiesOff = read32le(P + offsetof(melf_meta_header, bodies_off));
  M.StrtabOff = read32le(P + offsetof(melf_meta_header, strtab_off));
  M.StrtabSize = read32le(P + offsetof(melf_meta_header, strtab_size));
  M.Flags = read32le(P + offsetof(melf_meta_header, flags));
  for (unsigned I = 0; I < MELF_PART_COUNT; ++I) {
    const uint8_t *Q = P + offsetof(melf_meta_header, parts) +
                       I * sizeof(melf_meta_part);
    M.Parts[I].VAddr = read64le(Q + offsetof(melf_meta_part, vaddr));
    M.Parts[I].Size = read64le(Q + offsetof(melf_meta_part, size));
  }
}

/// A table of Count records, Bytes in all, at Off inside a section of Size.
/// All products fit in 64 bits: u32 * u32, and nvariants <= 64.
static Error checkTable(const char *OffName, uint32_t Off,
                        const char *CountName, uint32_t Count, uint64_t Bytes,
                        uint64_t Size) {
  if (Off > Size)
    return metaError(Twine(OffName) + " " + hex(Off) +
                     " is beyond the section size " + hex(Size));
  if (Bytes > Size - Off)
    return metaError(Twine(CountName) + " " + Twine(Count) +
                     " exceeds section size (" + Twine(Bytes) +
                     " bytes at " + OffName + " " + hex(Off) +
                     ", section size " + hex(Size) + ")");
  return Error::success();
}

// What must hold to read the records at all.
Error MelfFile::checkMetaHeader(uint64_t Size) {
  if (Size < sizeof(melf_meta_header))
    return metaError("size " + Twine(Size) + " is smaller than the header (" +
                     Twine(sizeof(melf_meta_header)) + " bytes)");
  if (M.Magic != MELF_META_MAGIC)
    return metaError("bad magic " + hex(M.Magic) + " (expected " +
                     hex(MELF_META_MAGIC) + ")");
  if (M.Version != MELF_META_VERSION)
    return metaError("version " + Twine(M.Version) +
                     " is not supported (this tool reads version " +
                     Twine(MELF_META_VERSION) + ")");
  if (M.HeaderSize < sizeof(melf_meta_header))
    return metaError("header_size " + Twine(M.HeaderSize) +
                     " is smaller than " + Twine(sizeof(melf_meta_header)));
  if (M.HeaderSize > Size)
    return metaError("header_size " + Twine(M.HeaderSize) +
                     " exceeds section size " + Twine(Size));
  if (M.PageSize == 0 || (M.PageSize & (M.PageSize - 1)))
    return metaError("page_size " + Twine(M.PageSize) +
                     " is not a power of two");
  if (M.NVariants == 0 || M.NVariants > MELF_MAX_VARIANTS)
    return metaError("nvariants " + Twine(M.NVariants) + " is not in 1.." +
                     Twine(MELF_MAX_VARIANTS));
  if (M.VariantSize < sizeof(melf_meta_variant))
    return metaError("variant_size " + Twine(M.VariantSize) +
                     " is smaller than " + Twine(sizeof(melf_meta_variant)));
  if (M.SlotSize < sizeof(melf_meta_slot))
    return metaError("slot_size " + Twine(M.SlotSize) + " is smaller than " +
                     Twine(sizeof(melf_meta_slot)));
  if (Error E = checkTable("variants_off", M.VariantsOff, "nvariants",
                           M.NVariants, uint64_t(M.NVariants) * M.VariantSize,
                           Size))
    return E;
  if (Error E = checkTable("slots_off", M.SlotsOff, "nslots", M.NSlots,
                           uint64_t(M.NSlots) * M.SlotSize, Size))
    return E;
  if (Error E = checkTable("bodies_off", M.BodiesOff, "nslots", M.NSlots,
                           uint64_t(M.NSlots) * M.NVariants *
                               sizeof(melf_meta_body),
                           Size))
    return E;
  return checkTable("strtab_off", M.StrtabOff, "strtab_size", M.StrtabSize,
                    M.StrtabSize, Size);
}

// The variant, slot and body records; checkMetaHeader has checked that every
// table is inside D.
void MelfFile::readMetaRecords(ArrayRef<uint8_t> D) {
  const uint8_t *P = D.data();
  M.Strtab = D.slice(M.StrtabOff, M.StrtabSize);
  for (uint32_t V = 0; V < M.NVariants; ++V) {
    const uint8_t *Q = P + M.VariantsOff + uint64_t(V) * M.VariantSize;
    MetaVariant R;
    const char *N = reinterpret_cast<const char *>(Q);
    size_t Len = strnlen(N, MELF_NAME_MAX);
    R.Name.assign(N, Len);
    R.NameTerminated = Len < MELF_NAME_MAX;
    R.ISA = read64le(Q + offsetof(melf_meta_variant, isa_features));
    R.Arch = read32le(Q + offsetof(melf_meta_variant, arch));
    R.Flags = read32le(Q + offsetof(melf_meta_variant, flags));
    for (unsigned I = 0; I < MELF_PART_COUNT; ++I)
      R.PartOffset[I] =
          read64le(Q + offsetof(melf_meta_variant, part_offset) + 8 * I);
    M.Variants.push_back(std::move(R));
  }
  M.Slots.reserve(M.NSlots);
  for (uint32_t S = 0; S < M.NSlots; ++S) {
    const uint8_t *Q = P + M.SlotsOff + uint64_t(S) * M.SlotSize;
    MetaSlot R;
    R.Addr = read64le(Q + offsetof(melf_meta_slot, addr));
    R.Size = read32le(Q + offsetof(melf_meta_slot, size));
    R.NameOff = read32le(Q + offsetof(melf_meta_slot, name_off));
    R.Present = read64le(Q + offsetof(melf_meta_slot, present));
    R.Prefix = read32le(Q + offsetof(melf_meta_slot, prefix));
    R.Reserved = read32le(Q + offsetof(melf_meta_slot, reserved));
    std::optional<std::string> Name = readString(M.Strtab, R.NameOff);
    R.NameOk = Name.has_value();
    R.Name = Name ? std::move(*Name)
                  : "<bad name_off " + std::to_string(R.NameOff) + ">";
    M.Slots.push_back(std::move(R));
  }
  M.Bodies.resize(uint64_t(M.NSlots) * M.NVariants);
  for (uint64_t I = 0; I < M.Bodies.size(); ++I) {
    const uint8_t *Q = P + M.BodiesOff + sizeof(melf_meta_body) * I;
    M.Bodies[I].size = read32le(Q + offsetof(melf_meta_body, size));
    M.Bodies[I].prefix = read32le(Q + offsetof(melf_meta_body, prefix));
  }
}
