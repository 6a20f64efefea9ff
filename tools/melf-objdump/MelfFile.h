//===- MelfFile.h - a MELF executable read with libelf ----------*- C++ -*-===//
//
// Reads the ELF structure (with libelf's gelf_* interface) and the .melf.meta
// records (with explicit little-endian reads) of one file held in memory.
// Every offset and count is bounds-checked before use: a damaged file gives
// an error that names the field, never an out-of-range read.
//
// Why libelf and not LLVM's object library (llvm::object::ELFFile): ld.melf
// is lld, whose ELF types and reading come from that library, so a reader
// built on it could share the linker's mistakes and read them back as
// right. An independent ELF reader is what makes --verify a real check of
// the linker's output; the project's design card names libelf. LLVM is used
// for what is not ELF parsing: the MC disassembler, the command line,
// errors, JSON and ADT/Support utilities.
//
// Loading only checks what is needed to read safely. Everything else the ABI
// promises is checked by verify() (Verify.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef MELF_OBJDUMP_MELFFILE_H
#define MELF_OBJDUMP_MELFFILE_H

#include "melf/abi.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <gelf.h>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace melf {
namespace objdump {

struct Section {
  size_t Index = 0;
  std::string Name; // "<bad name offset N>" when sh_name is out of range
  bool NameOk = true;
  GElf_Shdr Hdr{};
};

struct Symbol {
  std::string Name;
  uint64_t Value = 0;
  uint64_t Size = 0;
  unsigned char Type = 0;
  unsigned char Bind = 0;
  size_t Shndx = 0;
};

struct MetaPart {
  uint64_t VAddr = 0;
  uint64_t Size = 0;
  bool present() const { return VAddr != 0 || Size != 0; }
};

struct MetaVariant {
  std::string Name;         // bytes up to the first NUL (or all 32)
  bool NameTerminated = true;
  uint64_t ISA = 0;
  uint32_t Arch = 0;
  uint32_t Flags = 0;
  uint64_t PartOffset[MELF_PART_COUNT] = {};
};

struct MetaSlot {
  uint64_t Addr = 0;
  uint32_t Size = 0;
  uint32_t NameOff = 0;
  uint64_t Present = 0;
  uint32_t Prefix = 0;   // bytes reserved before Addr (the entry)
  uint32_t Reserved = 0; // zero
  std::string Name; // "<bad name_off N>" when NameOk is false
  bool NameOk = true;
  bool hasOwnBody(unsigned V) const { return V < 64 && (Present >> V) & 1; }
};

/// The .melf.meta contents, fields as stored.
struct Meta {
  // Where the records were read: PT_MELF_META or the .melf.meta section.
  uint64_t FileOffset = 0, FileSize = 0, VAddr = 0;
  bool FromPhdr = false;

  uint32_t Magic = 0;
  uint16_t Version = 0, HeaderSize = 0;
  uint32_t PageSize = 0, Arch = 0, NVariants = 0, VariantSize = 0;
  uint32_t NSlots = 0, SlotSize = 0, VariantsOff = 0, SlotsOff = 0;
  uint32_t BodiesOff = 0, StrtabOff = 0, StrtabSize = 0, Flags = 0;
  MetaPart Parts[MELF_PART_COUNT];

  std::vector<MetaVariant> Variants;
  std::vector<MetaSlot> Slots;
  std::vector<melf_meta_body> Bodies; // [slot * NVariants + variant]
  llvm::ArrayRef<uint8_t> Strtab;

  /// Bytes of body V of slot S from the entry to its end.
  uint32_t bodySize(size_t S, size_t V) const {
    return Bodies[S * Variants.size() + V].size;
  }
  /// Bytes of body V of slot S before the entry.
  uint32_t bodyPrefix(size_t S, size_t V) const {
    return Bodies[S * Variants.size() + V].prefix;
  }
  /// Does reduced variant V have trap bytes in slot S (docs/melf-abi.md,
  /// "Reduced variants": no own body, bodies[S][V] = {0, 0})?
  bool isRemoved(size_t S, size_t V) const {
    return (Variants[V].Flags & MELF_VF_REDUCED) &&
           !Slots[S].hasOwnBody(V) && bodySize(S, V) == 0 &&
           bodyPrefix(S, V) == 0;
  }
};

/// A valid ELF file that is not a MELF binary. Not a damaged file: the
/// driver reports it without "error:" and exits 2, not 1.
class NotMelfError : public llvm::ErrorInfo<NotMelfError> {
public:
  static char ID;
  explicit NotMelfError(std::string Why) : Why(std::move(Why)) {}
  void log(llvm::raw_ostream &OS) const override;
  std::error_code convertToErrorCode() const override;

private:
  std::string Why;
};

class MelfFile {
public:
  /// Reads Bytes (a whole file named Name). Fails with a NotMelfError for a
  /// valid ELF file that is not a MELF binary, and with a StringError naming
  /// the field for a file that cannot be read. Messages do not name the file.
  static llvm::Expected<std::unique_ptr<MelfFile>>
  load(std::string Name, std::vector<uint8_t> Bytes);
  ~MelfFile();

  const std::string &name() const { return Name; }
  llvm::ArrayRef<uint8_t> bytes() const { return Bytes; }
  const GElf_Ehdr &ehdr() const { return Ehdr; }
  const std::vector<GElf_Phdr> &phdrs() const { return Phdrs; }
  const std::vector<Section> &sections() const { return Sections; }
  const std::vector<Symbol> &symbols() const { return Symbols; }
  bool hasSectionHeaders() const { return !Sections.empty(); }
  const Meta &meta() const { return M; }
  /// Problems found while reading that do not stop reading (bad section or
  /// symbol names, symbol tables that cannot be read): reported by verify().
  const std::vector<std::string> &readProblems() const { return Problems; }

  /// File bytes [Off, Off + Size), or nothing if not inside the file.
  std::optional<llvm::ArrayRef<uint8_t>> fileRange(uint64_t Off,
                                                   uint64_t Size) const;
  /// Variant V's copy of part P (text or rodata) in the file, if inside it.
  std::optional<llvm::ArrayRef<uint8_t>> imagePart(size_t V, unsigned P) const;
  const Section *findSection(llvm::StringRef Name) const;
  /// Index of the variant called Name, or -1.
  int findVariant(llvm::StringRef Name) const;
  /// Index of the variant called Name, or an error that lists the variants.
  llvm::Expected<size_t> variantNamed(llvm::StringRef Name) const;
  /// The file offset that PT_LOADs map to VAddr (whole [VAddr, VAddr+Size)
  /// inside one PT_LOAD's file image), or nothing.
  std::optional<uint64_t> loadedOffset(uint64_t VAddr, uint64_t Size) const;
  /// The PT_LOAD whose memory range contains [VAddr, VAddr+Size), or null.
  const GElf_Phdr *loadContaining(uint64_t VAddr, uint64_t Size) const;
  /// Byte that fills slot padding for this architecture, or -1 if unknown.
  int trapByte() const;

private:
  MelfFile() = default;
  // The ELF structure (MelfFile.cpp), in this order.
  llvm::Error readElfHeader();
  llvm::Error checkHeaderTable(llvm::StringRef EntField, uint64_t EntSize,
                               uint64_t Want, llvm::StringRef What,
                               uint64_t Off, uint64_t Count) const;
  llvm::Error readProgramHeaders();
  llvm::Error readSectionHeaders();
  void readSectionNames(size_t ShStrNdx);
  llvm::Error checkIsMelf();
  void readSymbols();
  // The .melf.meta records (MelfMeta.cpp), in this order.
  llvm::Error locateMeta();
  void readMetaHeader(llvm::ArrayRef<uint8_t> D);
  llvm::Error checkMetaHeader(uint64_t Size);
  void readMetaRecords(llvm::ArrayRef<uint8_t> D);

  std::string Name;
  std::vector<uint8_t> Bytes;
  Elf *E = nullptr;
  GElf_Ehdr Ehdr{};
  std::vector<GElf_Phdr> Phdrs;
  std::vector<Section> Sections;
  std::vector<Symbol> Symbols;
  std::vector<std::string> Problems;
  Meta M;
};

/// Name of a part ("text", "rodata", "vldata").
const char *partName(unsigned P);
/// Comma-separated feature names of ISA bits for Arch ("-" if none).
std::string featureString(uint32_t Arch, uint64_t ISA);
/// Comma-separated MELF_VF_* names ("-" if none).
std::string flagString(uint32_t Flags);
/// Short name of an e_machine / MELF arch value.
std::string archName(uint32_t Arch);
std::string hex(uint64_t V);
/// The NUL-terminated string at Off in Table, or nothing if Off is outside
/// the table or the string is not terminated inside it.
std::optional<std::string> readString(llvm::ArrayRef<uint8_t> Table,
                                      uint64_t Off);

} // namespace objdump
} // namespace melf

#endif
