//===- Print.cpp - text and JSON reports of a MELF binary -----------------===//

#include "Print.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"

using namespace llvm;
using namespace melf::objdump;

namespace {

const char *P(const char *S) { return S; }

/// File range of a variant's image: its per-image parts back to back.
struct ImageRange {
  uint64_t Offset = 0, Size = 0;
  const char *Phdr = "-";
};

ImageRange imageRange(const MelfFile &F, size_t V) {
  const Meta &M = F.meta();
  ImageRange R;
  bool First = true;
  for (unsigned P = 0; P < MELF_PART_VLDATA; ++P) {
    if (!M.Parts[P].present())
      continue;
    uint64_t Off = M.Variants[V].PartOffset[P];
    if (First)
      R.Offset = Off;
    First = false;
    R.Size += M.Parts[P].Size;
  }
  if (V == 0) {
    R.Phdr = "PT_LOAD";
  } else {
    for (const GElf_Phdr &P : F.phdrs())
      if (P.p_type == PT_MELF_IMAGE && P.p_offset == R.Offset && !First)
        R.Phdr = "PT_MELF_IMAGE";
  }
  return R;
}

const char *protection(unsigned P) {
  return P == MELF_PART_TEXT ? "r-x" : P == MELF_PART_RODATA ? "r--" : "rw-";
}

/// Bytes a slot reserves: its prefix before the entry and its size after.
uint64_t slotBytes(const MetaSlot &Sl) { return uint64_t(Sl.Prefix) + Sl.Size; }

/// Size of variant V's bytes in slot S (prefix included): its own body or
/// the default one.
uint64_t usedBytes(const Meta &M, size_t S, size_t V) {
  const MetaSlot &Sl = M.Slots[S];
  size_t W = Sl.hasOwnBody(V) ? V : 0;
  if (M.isRemoved(S, V))
    return 0;
  return std::min<uint64_t>(M.bodySize(S, W), Sl.Size) +
         std::min<uint64_t>(M.bodyPrefix(S, W), Sl.Prefix);
}

struct Totals {
  uint64_t SlotBytes = 0;    // sum of slot sizes (one image)
  uint64_t Padding = 0;      // padding bytes summed over all images
  uint64_t ImageBytes = 0;   // text part bytes summed over all images
  uint64_t Fallbacks = 0;    // (slot, variant) pairs using default bytes
};

Totals totals(const Meta &M) {
  Totals T;
  for (size_t S = 0; S < M.Slots.size(); ++S) {
    T.SlotBytes += slotBytes(M.Slots[S]);
    for (size_t V = 0; V < M.Variants.size(); ++V) {
      T.Padding += slotBytes(M.Slots[S]) - usedBytes(M, S, V);
      T.Fallbacks += V && !M.Slots[S].hasOwnBody(V) && !M.isRemoved(S, V);
    }
  }
  T.ImageBytes = M.Parts[MELF_PART_TEXT].Size * M.Variants.size();
  return T;
}

} // namespace

void melf::objdump::printVariants(const MelfFile &F, raw_ostream &OS) {
  const Meta &M = F.meta();
  OS << "Variants: " << M.Variants.size() << " (arch " << archName(M.Arch)
     << ", page size " << M.PageSize << ")\n";
  OS << format("  %-3s %-24s %-16s %-12s %-10s %-14s %s\n", P("id"), P("name"),
               P("flags"), P("image"), P("size"), P("header"), P("features"));
  for (size_t V = 0; V < M.Variants.size(); ++V) {
    const MetaVariant &R = M.Variants[V];
    ImageRange I = imageRange(F, V);
    OS << format("  %-3zu %-24s %-16s %-12s %-10s %-14s %s\n", V,
                 R.Name.c_str(), flagString(R.Flags).c_str(),
                 hex(I.Offset).c_str(), hex(I.Size).c_str(), I.Phdr,
                 featureString(R.Arch, R.ISA).c_str());
  }
}

void melf::objdump::printLayout(const MelfFile &F, raw_ostream &OS) {
  const Meta &M = F.meta();
  uint64_t Lo = UINT64_MAX, Hi = 0;
  for (const MetaPart &P : M.Parts)
    if (P.present()) {
      Lo = std::min(Lo, P.VAddr);
      Hi = std::max(Hi, P.VAddr + P.Size);
    }
  if (Lo == UINT64_MAX)
    OS << "MELF area: empty\n";
  else
    OS << "MELF area: [" << hex(Lo) << ", " << hex(Hi) << "), "
       << (Hi - Lo) / M.PageSize << " pages of " << M.PageSize << " bytes\n";
  OS << format("  %-8s %-18s %-10s %-5s %s\n", P("part"), P("address"),
               P("size"), P("prot"), P("copies"));
  for (unsigned P = 0; P < MELF_PART_COUNT; ++P) {
    const MetaPart &Pt = M.Parts[P];
    if (!Pt.present()) {
      OS << format("  %-8s absent\n", partName(P));
      continue;
    }
    OS << format("  %-8s %-18s %-10s %-5s %s\n", partName(P),
                 hex(Pt.VAddr).c_str(), hex(Pt.Size).c_str(), protection(P),
                 P == MELF_PART_VLDATA ? "one in the file, one per view"
                                       : "one per image");
  }
  OS << "Images (file offsets of the per-image parts):\n";
  OS << format("  %-24s %-12s %-12s %s\n", P("variant"), P("text"),
               P("rodata"), P("program header"));
  for (size_t V = 0; V < M.Variants.size(); ++V) {
    const MetaVariant &R = M.Variants[V];
    auto Off = [&](unsigned P) {
      return M.Parts[P].present() ? hex(R.PartOffset[P]) : std::string("-");
    };
    ImageRange I = imageRange(F, V);
    std::string Hdr = I.Phdr;
    if (V && I.Size)
      Hdr += " [" + hex(I.Offset) + ", " + hex(I.Offset + I.Size) + ")";
    OS << format("  %-24s %-12s %-12s %s\n", R.Name.c_str(),
                 Off(MELF_PART_TEXT).c_str(), Off(MELF_PART_RODATA).c_str(),
                 Hdr.c_str());
  }
  if (M.Parts[MELF_PART_VLDATA].present()) {
    auto L = F.loadedOffset(M.Parts[MELF_PART_VLDATA].VAddr,
                            M.Parts[MELF_PART_VLDATA].Size);
    OS << "View-local data: file offset "
       << (L ? hex(*L) : std::string("(not in a PT_LOAD)"))
       << " (PT_LOAD), copied per view at run time\n";
  }
  OS << "Metadata: " MELF_META_SECTION " at " << hex(M.VAddr)
     << ", file offset " << hex(M.FileOffset) << ", size " << hex(M.FileSize)
     << " (" << (M.FromPhdr ? "PT_MELF_META" : "section header only") << ")\n";
}

void melf::objdump::printSlots(const MelfFile &F, raw_ostream &OS) {
  const Meta &M = F.meta();
  const MetaPart &T = M.Parts[MELF_PART_TEXT];
  OS << "Slots: " << M.Slots.size() << " in the text part [" << hex(T.VAddr)
     << ", " << hex(T.VAddr + T.Size) << ")\n";
  OS << format("  %-5s %-18s %-8s %s\n", P("slot"), P("address"), P("size"),
               P("name"));
  for (size_t S = 0; S < M.Slots.size(); ++S) {
    const MetaSlot &Sl = M.Slots[S];
    OS << format("  %-5zu %-18s %-8u %s", S, hex(Sl.Addr).c_str(), Sl.Size,
                 Sl.Name.c_str());
    if (Sl.Prefix)
      OS << " (and " << Sl.Prefix << " bytes before the entry)";
    OS << "\n";
    for (size_t V = 0; V < M.Variants.size(); ++V) {
      uint64_t Used = usedBytes(M, S, V);
      OS << format("        %-24s ", M.Variants[V].Name.c_str());
      if (Sl.hasOwnBody(V))
        OS << "body " << Used << ", padding " << slotBytes(Sl) - Used << "\n";
      else if (M.isRemoved(S, V))
        OS << "removed (trap bytes)\n";
      else
        OS << "default bytes (no own body), padding " << slotBytes(Sl) - Used
           << "\n";
    }
  }
  Totals Tot = totals(M);
  OS << "Totals: " << M.Slots.size() << " slots, " << Tot.SlotBytes
     << " slot bytes per image, " << Tot.Fallbacks
     << " fallbacks to default bytes\n";
  OS << "  padding: " << Tot.Padding << " of " << Tot.SlotBytes * M.Variants.size()
     << " slot bytes in " << M.Variants.size() << " images";
  if (Tot.SlotBytes)
    OS << format(" (%.1f%%)", 100.0 * Tot.Padding /
                                  (Tot.SlotBytes * M.Variants.size()));
  OS << "\n  image bytes: " << Tot.ImageBytes << " (text part "
     << T.Size << " x " << M.Variants.size() << " images)";
  if (Tot.ImageBytes)
    OS << format(", padding %.1f%% of image bytes",
                 100.0 * Tot.Padding / Tot.ImageBytes);
  OS << "\n";
}

void melf::objdump::printJson(const MelfFile &F,
                              const std::vector<std::string> *Violations,
                              raw_ostream &OS, const AttackSurface *AS) {
  const Meta &M = F.meta();
  json::OStream J(OS, 2);
  J.object([&] {
    J.attribute("file", F.name());
    J.attribute("format", "melf");
    J.attribute("meta_version", M.Version);
    J.attribute("arch", archName(M.Arch));
    J.attribute("e_machine", F.ehdr().e_machine);
    J.attribute("page_size", M.PageSize);
    J.attributeObject("metadata", [&] {
      J.attribute("address", M.VAddr);
      J.attribute("file_offset", M.FileOffset);
      J.attribute("size", M.FileSize);
      J.attribute("source", M.FromPhdr ? "PT_MELF_META" : "section");
    });
    J.attributeArray("parts", [&] {
      for (unsigned P = 0; P < MELF_PART_COUNT; ++P)
        J.object([&] {
          J.attribute("name", partName(P));
          J.attribute("present", M.Parts[P].present());
          J.attribute("address", M.Parts[P].VAddr);
          J.attribute("size", M.Parts[P].Size);
          J.attribute("protection", protection(P));
        });
    });
    J.attributeArray("variants", [&] {
      for (size_t V = 0; V < M.Variants.size(); ++V) {
        const MetaVariant &R = M.Variants[V];
        ImageRange I = imageRange(F, V);
        J.object([&] {
          J.attribute("id", static_cast<int64_t>(V));
          J.attribute("name", R.Name);
          J.attribute("flags", R.Flags);
          J.attribute("flag_names", flagString(R.Flags));
          J.attribute("arch", R.Arch);
          J.attribute("isa_features", R.ISA);
          J.attribute("feature_names", featureString(R.Arch, R.ISA));
          J.attributeObject("part_offset", [&] {
            for (unsigned P = 0; P < MELF_PART_COUNT; ++P)
              J.attribute(partName(P), R.PartOffset[P]);
          });
          J.attributeObject("image", [&] {
            J.attribute("file_offset", I.Offset);
            J.attribute("size", I.Size);
            J.attribute("program_header", I.Phdr);
          });
        });
      }
    });
    J.attributeArray("slots", [&] {
      for (size_t S = 0; S < M.Slots.size(); ++S) {
        const MetaSlot &Sl = M.Slots[S];
        J.object([&] {
          J.attribute("index", static_cast<int64_t>(S));
          J.attribute("name", Sl.Name);
          J.attribute("address", Sl.Addr);
          J.attribute("size", Sl.Size);
          J.attribute("prefix", Sl.Prefix);
          J.attribute("present", Sl.Present);
          J.attributeArray("bodies", [&] {
            for (size_t V = 0; V < M.Variants.size(); ++V)
              J.object([&] {
                uint64_t Used = usedBytes(M, S, V);
                J.attribute("variant", M.Variants[V].Name);
                J.attribute("own_body", Sl.hasOwnBody(V));
                J.attribute("body_size", M.bodySize(S, V));
                J.attribute("body_prefix", M.bodyPrefix(S, V));
                J.attribute("padding", slotBytes(Sl) - Used);
              });
          });
        });
      }
    });
    Totals Tot = totals(M);
    J.attributeObject("totals", [&] {
      J.attribute("slots", static_cast<int64_t>(M.Slots.size()));
      J.attribute("slot_bytes", Tot.SlotBytes);
      J.attribute("images", static_cast<int64_t>(M.Variants.size()));
      J.attribute("padding_bytes", Tot.Padding);
      J.attribute("image_bytes", Tot.ImageBytes);
      J.attribute("fallbacks", Tot.Fallbacks);
    });
    if (Violations)
      J.attributeObject("verify", [&] {
        J.attribute("valid", Violations->empty());
        J.attributeArray("violations", [&] {
          for (const std::string &V : *Violations)
            J.value(V);
        });
      });
    if (AS)
      jsonAttackSurface(*AS, J);
  });
  OS << "\n";
}
