//===- melf-objdump-fuzzer.cpp - libFuzzer entry point --------------------===//
//
// Loads the input as a file, then runs every report, the verifier and the
// disassembler of each variant into a null stream. Built with
// -fsanitize=fuzzer,address,undefined; any crash or over-read is a bug.
//
//===----------------------------------------------------------------------===//

#include "MelfFile.h"
#include "Print.h"
#include "Verify.h"
#include "llvm/Support/raw_ostream.h"

using namespace melf::objdump;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  std::vector<uint8_t> Bytes(Data, Data + Size);
  std::unique_ptr<MelfFile> F;
  std::string Msg;
  if (MelfFile::load("fuzz", std::move(Bytes), F, Msg) !=
      MelfFile::Status::Ok)
    return 0;
  llvm::raw_null_ostream OS;
  std::vector<std::string> Violations = verify(*F);
  printVariants(*F, OS);
  printLayout(*F, OS);
  printSlots(*F, OS);
  printJson(*F, &Violations, OS);
  // Disassembly is the slow part: only for small text parts.
  if (F->meta().Parts[MELF_PART_TEXT].Size <= 0x10000)
    for (size_t V = 0; V < F->meta().Variants.size(); ++V) {
      std::string Err;
      disassemble(*F, V, "", OS, Err);
    }
  return 0;
}
