//===- VerifyAArch64.cpp - AArch64 rules of --verify ----------------------===//
//
// What docs/melf-abi.md asks of an AArch64 MELF area beyond the rules every
// architecture shares (Verify.cpp): instructions are 4-byte words, so every
// slot, entry and body is 4-byte aligned and whole words long (padding is
// udf #0, which Verify.cpp checks as MELF_AARCH64_TRAP_WORD's zero bytes);
// and since the area is laid out before range-extension thunks exist, every
// direct branch (B, BL) in a body lands in the body of a slot of the same
// image or outside the text part, never in padding.
//
//===----------------------------------------------------------------------===//

#include "Verify.h"
#include "melf/abi.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/Endian.h"

using namespace llvm;
using namespace melf::objdump;

static std::string hex(uint64_t V) { return "0x" + utohexstr(V, true); }

std::vector<std::string> melf::objdump::verifyAArch64(const MelfFile &F) {
  std::vector<std::string> Out;
  const Meta &M = F.meta();
  if (M.Arch != MELF_ARCH_AARCH64)
    return Out;
  const MetaPart &T = M.Parts[MELF_PART_TEXT];
  if (!T.present())
    return Out;
  for (const MetaSlot &Sl : M.Slots) {
    if (Sl.Addr % 4 || Sl.Prefix % 4)
      Out.push_back("slot '" + Sl.Name + "': entry " + hex(Sl.Addr) +
                    " or prefix " + Twine(Sl.Prefix).str() +
                    " is not a multiple of 4 (AArch64 instructions)");
  }
  for (size_t V = 0; V < M.Variants.size(); ++V) {
    std::optional<ArrayRef<uint8_t>> Img = F.imagePart(V, MELF_PART_TEXT);
    if (!Img || Img->size() < T.Size)
      continue; // reported by the shared checks
    // Where a branch may land in this image: [start, end) of every body.
    std::vector<std::pair<uint64_t, uint64_t>> Bodies;
    for (size_t S = 0; S < M.Slots.size(); ++S) {
      const MetaSlot &Sl = M.Slots[S];
      // Overflow-safe: hostile metadata may hold any values.
      if (Sl.Addr < T.VAddr || Sl.Size > T.Size ||
          Sl.Addr - T.VAddr > T.Size - Sl.Size)
        return Out; // reported by the shared checks
      Bodies.push_back({Sl.Addr - M.bodyPrefix(S, V),
                        Sl.Addr + M.bodySize(S, V)});
    }
    auto InBody = [&](uint64_t A) {
      for (auto [B, E] : Bodies)
        if (A >= B && A < E)
          return true;
      return false;
    };
    const std::string &VN = M.Variants[V].Name;
    for (size_t S = 0; S < M.Slots.size(); ++S) {
      const MetaSlot &Sl = M.Slots[S];
      uint32_t Size = M.bodySize(S, V);
      if (Size % 4) {
        Out.push_back("slot '" + Sl.Name + "', variant '" + VN + "': body of " +
                      Twine(Size).str() + " bytes is not whole instructions");
        continue;
      }
      // Every word read lies inside the image, whatever the body size says
      // (a body larger than its slot is reported by the shared checks).
      uint64_t Start = Sl.Addr - T.VAddr;
      for (uint64_t O = Start; O - Start < Size && O + 4 <= Img->size(); O += 4) {
        uint64_t A = T.VAddr + O;
        uint32_t W = support::endian::read32le(Img->data() + O);
        if ((W & 0x7c000000u) != 0x14000000u) // B, BL
          continue;
        int64_t Off = SignExtend64<28>(int64_t(W & 0x03ffffffu) << 2);
        uint64_t To = A + Off;
        if (To >= T.VAddr && To < T.VAddr + T.Size && !InBody(To))
          Out.push_back("slot '" + Sl.Name + "', variant '" + VN + "': " +
                        ((W >> 31) ? "bl" : "b") + " at " + hex(A) +
                        " lands in padding at " + hex(To));
      }
    }
  }
  return Out;
}
