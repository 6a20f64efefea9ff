//===- AsanInputs.cpp - do link inputs carry asan variants? ---------------===//

#include "AsanInputs.h"
#include "melf/abi.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Object/Archive.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/MemoryBuffer.h"
#include <cstddef>

using namespace llvm;
using namespace llvm::object;
using namespace llvm::support::endian;

namespace {

// Walks the group records of one .melf.group section (docs/melf-abi.md,
// "Group record layout"); malformed records end the walk (ld.melf reports
// them).
bool recordsHaveAsan(ArrayRef<uint8_t> D) {
  size_t Off = 0;
  while (D.size() - Off >= sizeof(melf_group_header)) {
    const uint8_t *H = D.data() + Off;
    uint16_t HdrSize = read16le(H + offsetof(melf_group_header, header_size));
    uint32_t N = read32le(H + offsetof(melf_group_header, nentries));
    uint32_t EntSize = read32le(H + offsetof(melf_group_header, entry_size));
    if (read32le(H) != MELF_GROUP_MAGIC || HdrSize < sizeof(melf_group_header) ||
        EntSize < sizeof(melf_group_entry) ||
        uint64_t(HdrSize) + uint64_t(N) * EntSize > D.size() - Off)
      return false;
    for (uint32_t I = 0; I < N; ++I)
      if (read32le(H + HdrSize + uint64_t(I) * EntSize +
                   offsetof(melf_group_entry, flags)) &
          MELF_VF_ASAN)
        return true;
    Off += HdrSize + uint64_t(N) * EntSize;
  }
  return false;
}

bool objectHasAsan(MemoryBufferRef Buf) {
  Expected<std::unique_ptr<ObjectFile>> Obj = ObjectFile::createObjectFile(Buf);
  if (!Obj) {
    consumeError(Obj.takeError());
    return false;
  }
  for (const SectionRef &S : (*Obj)->sections()) {
    Expected<StringRef> Name = S.getName();
    if (!Name || *Name != MELF_GROUP_SECTION) {
      if (!Name)
        consumeError(Name.takeError());
      continue;
    }
    Expected<StringRef> C = S.getContents();
    if (!C) {
      consumeError(C.takeError());
      continue;
    }
    if (recordsHaveAsan(arrayRefFromStringRef(*C)))
      return true;
  }
  return false;
}

} // namespace

bool melf::hasAsanVariant(StringRef Path) {
  auto Buf = MemoryBuffer::getFile(Path, /*IsText=*/false,
                                   /*RequiresNullTerminator=*/false);
  if (!Buf)
    return false;
  MemoryBufferRef Ref = (*Buf)->getMemBufferRef();
  if (identify_magic(Ref.getBuffer()) != file_magic::archive)
    return objectHasAsan(Ref);
  Expected<std::unique_ptr<Archive>> A = Archive::create(Ref);
  if (!A) {
    consumeError(A.takeError());
    return false;
  }
  Error Err = Error::success();
  bool Found = false;
  for (const Archive::Child &C : (*A)->children(Err)) {
    Expected<MemoryBufferRef> M = C.getMemoryBufferRef();
    if (!M) {
      consumeError(M.takeError());
      continue;
    }
    if ((Found = objectHasAsan(*M)))
      break;
  }
  consumeError(std::move(Err));
  return Found;
}
