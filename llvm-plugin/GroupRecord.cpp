//===- GroupRecord.cpp - the .melf.group and .melf.data records -----------===//
//
// Level 3 of docs/melf-abi.md: one group record per multivariant function
// (the default body and its clones, through relocations only) and, in
// whole-file variant builds, the data record of the variables the variant
// uses. Layouts come from include/melf/abi.h.
//
//===----------------------------------------------------------------------===//

#include "Multiversioner.h"
#include "melf/abi.h"

#include "llvm/IR/Constants.h"
#include "llvm/IR/DataLayout.h"
#include "llvm/IR/DerivedTypes.h"
#include "llvm/Support/Endian.h"

using namespace llvm;

namespace melf {

static_assert(sizeof(melf_group_header) == 16, "group header layout");
static_assert(sizeof(melf_group_entry) == 64, "group entry layout");

void markRecord(GlobalVariable &GV) {
  GlobalValue::SanitizerMetadata Meta;
  Meta.NoAddress = true;
  Meta.NoHWAddress = true;
  GV.setSanitizerMetadata(Meta);
}

void Multiversioner::emitGroup(Function &F, ArrayRef<Clone> Clones,
                               bool WholeFile) {
  Type *I16 = Type::getInt16Ty(Ctx), *I32 = Type::getInt32Ty(Ctx),
       *I64 = Type::getInt64Ty(Ctx), *Ptr = PointerType::getUnqual(Ctx);
  auto *NameTy = ArrayType::get(Type::getInt8Ty(Ctx), MELF_NAME_MAX);
  auto *HdrTy = StructType::get(Ctx, {I32, I16, I16, I32, I32});
  auto *EntTy = StructType::get(Ctx, {Ptr, I64, I32, I32, NameTy, I64});
  auto *ArrTy = ArrayType::get(EntTy, Clones.size() + 1);
  auto *GrpTy = StructType::get(Ctx, {HdrTy, ArrTy});

  Constant *Hdr = ConstantStruct::get(
      HdrTy, {ConstantInt::get(I32, MELF_GROUP_MAGIC),
              ConstantInt::get(I16, MELF_OBJ_VERSION),
              ConstantInt::get(I16, sizeof(melf_group_header)),
              ConstantInt::get(I32, Clones.size() + 1),
              ConstantInt::get(I32, sizeof(melf_group_entry))});
  auto Entry = [&](Function *Body, StringRef Name, uint64_t ISA, uint32_t Arch,
                   uint32_t Flags) {
    std::string Padded = Name.str();
    Padded.resize(MELF_NAME_MAX, '\0');
    // no_cfi: the body itself, never a CFI jump table entry (LowerTypeTests
    // replaces the other address-taken uses of a function with its entry).
    return ConstantStruct::get(
        EntTy, {NoCFIValue::get(Body), ConstantInt::get(I64, ISA),
                ConstantInt::get(I32, Arch),
                ConstantInt::get(I32, Flags),
                ConstantDataArray::getString(Ctx, Padded, /*AddNull=*/false),
                ConstantInt::get(I64, 0)});
  };
  SmallVector<Constant *, 8> Ents;
  Ents.push_back(Entry(&F, MELF_DEFAULT_VARIANT, 0, 0, MELF_VF_DEFAULT));
  for (auto [Cl, V] : Clones) {
    // Record what the clone really is: an -O0 compile keeps `size` optnone.
    uint32_t Flags = V->flags() & ~(MELF_VF_SIZE | MELF_VF_OPTNONE);
    if (Cl->hasFnAttribute(Attribute::OptimizeNone))
      Flags |= MELF_VF_OPTNONE;
    else if (Cl->hasFnAttribute(Attribute::OptimizeForSize) &&
             (V->flags() & MELF_VF_SIZE))
      Flags |= MELF_VF_SIZE;
    if (WholeFile)
      Flags = V->flags() | MELF_VF_WHOLE_FILE;
    Ents.push_back(Entry(Cl, V->Name, V->ISA, V->Arch, Flags));
  }
  Constant *Init = ConstantStruct::get(GrpTy, {Hdr, ConstantArray::get(ArrTy, Ents)});

  const DataLayout &DL = M.getDataLayout();
  if (DL.getTypeAllocSize(GrpTy) !=
      sizeof(melf_group_header) + Ents.size() * sizeof(melf_group_entry)) {
    error(&F, "internal error: .melf.group record has the wrong size for "
              "this target's data layout");
    return;
  }
  auto *GV = new GlobalVariable(M, GrpTy, /*isConstant=*/true,
                                GlobalValue::PrivateLinkage, Init,
                                "__melf_group." + F.getName());
  GV->setSection(MELF_GROUP_SECTION);
  GV->setAlignment(Align(8));
  if (!WholeFile) {
    GV->setComdat(F.getComdat());
    // SHF_LINK_ORDER -> the default body: kept and dropped with it. (A
    // whole-file variant's default body is in another object: ld.melf ties
    // the clone to it.)
    GV->setMetadata(LLVMContext::MD_associated,
                    MDNode::get(Ctx, ValueAsMetadata::get(&F)));
  }
  // SHF_EXCLUDE: a linker that does not know MELF drops the record.
  GV->setMetadata(LLVMContext::MD_exclude, MDNode::get(Ctx, {}));
  markRecord(*GV);
  Used.push_back(GV);
}

void Multiversioner::emitDataRecord(
    ArrayRef<std::pair<GlobalVariable *, uint64_t>> Vars) {
  if (Vars.empty())
    return;
  Type *I16 = Type::getInt16Ty(Ctx), *I32 = Type::getInt32Ty(Ctx),
       *I64 = Type::getInt64Ty(Ctx), *Ptr = PointerType::getUnqual(Ctx);
  auto *HdrTy = StructType::get(Ctx, {I32, I16, I16, I32, I32});
  auto *EntTy = StructType::get(Ctx, {Ptr, I64});
  auto *ArrTy = ArrayType::get(EntTy, Vars.size());
  auto *RecTy = StructType::get(Ctx, {HdrTy, ArrTy});
  Constant *Hdr = ConstantStruct::get(
      HdrTy, {ConstantInt::get(I32, MELF_DATA_MAGIC),
              ConstantInt::get(I16, MELF_OBJ_VERSION),
              ConstantInt::get(I16, sizeof(melf_group_header)),
              ConstantInt::get(I32, Vars.size()),
              ConstantInt::get(I32, sizeof(melf_data_entry))});
  SmallVector<Constant *, 16> Ents;
  for (auto [GV, Size] : Vars)
    Ents.push_back(ConstantStruct::get(EntTy, {GV, ConstantInt::get(I64, Size)}));
  emitExcludedRecord(
      ConstantStruct::get(RecTy, {Hdr, ConstantArray::get(ArrTy, Ents)}),
      "__melf_data", MELF_DATA_SECTION, Align(8));
}

// A private constant in its own SHF_EXCLUDE section that the linker reads
// and never outputs, kept by llvm.compiler.used.
void Multiversioner::emitExcludedRecord(Constant *Init, StringRef Name,
                                        StringRef Section, Align A) {
  auto *Rec = new GlobalVariable(M, Init->getType(), true,
                                 GlobalValue::PrivateLinkage, Init, Name);
  Rec->setSection(Section);
  Rec->setAlignment(A);
  Rec->setMetadata(LLVMContext::MD_exclude, MDNode::get(Ctx, {}));
  markRecord(*Rec);
  Used.push_back(Rec);
}

// What this compile's function list matched (docs/melf-abi.md, "Function
// lists"): the linker reports entries no object matched.
void Multiversioner::emitFunctionListRecord(ArrayRef<bool> Hits) {
  const std::vector<std::string> &Globs = C.functionGlobs();
  if (Globs.empty())
    return;
  std::string Entries;
  for (size_t I = 0; I < Globs.size(); ++I) {
    Entries += Hits[I] ? MELF_FUNCLIST_MATCHED : MELF_FUNCLIST_UNMATCHED;
    Entries += Globs[I];
    Entries += '\0';
  }
  char Hdr[sizeof(melf_funclist_header)];
  using namespace support::endian;
  write32le(Hdr + offsetof(melf_funclist_header, magic), MELF_FUNCLIST_MAGIC);
  write16le(Hdr + offsetof(melf_funclist_header, version), MELF_OBJ_VERSION);
  write16le(Hdr + offsetof(melf_funclist_header, header_size), sizeof Hdr);
  write32le(Hdr + offsetof(melf_funclist_header, nentries), Globs.size());
  write32le(Hdr + offsetof(melf_funclist_header, size), Entries.size());
  std::string Bytes = std::string(Hdr, sizeof Hdr) + Entries;
  emitExcludedRecord(ConstantDataArray::getString(Ctx, Bytes, /*AddNull=*/false),
                     "__melf_funclist", MELF_FUNCLIST_SECTION, Align(1));
}

} // namespace melf
