//===- melf-objdump-fuzzer.cpp - libFuzzer entry point --------------------===//
//
// Loads the input as a file, then runs every report, the verifier and the
// disassembler of each variant into a null stream. Built with
// -fsanitize=fuzzer,address,undefined; any crash or over-read is a bug.
//
//===----------------------------------------------------------------------===//

#include "AttackSurface.h"
#include "MelfFile.h"
#include "Print.h"
#include "Verify.h"
#include "llvm/Support/raw_ostream.h"

using namespace melf::objdump;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  std::vector<uint8_t> Bytes(Data, Data + Size);
  llvm::Expected<std::unique_ptr<MelfFile>> F =
      MelfFile::load("fuzz", std::move(Bytes));
  if (!F) {
    llvm::consumeError(F.takeError());
    return 0;
  }
  llvm::raw_null_ostream OS;
  const MelfFile &File = **F;
  std::vector<std::string> Violations = verify(File);
  printVariants(File, OS);
  printLayout(File, OS);
  printSlots(File, OS);
  printJson(File, &Violations, OS);
  // Disassembly is the slow part: only for small text parts.
  if (File.meta().Parts[MELF_PART_TEXT].Size <= 0x10000) {
    for (size_t V = 0; V < File.meta().Variants.size(); ++V)
      llvm::consumeError(disassemble(File, V, "", OS));
    llvm::Expected<AttackSurface> AS = measureAttackSurface(File);
    if (AS)
      printAttackSurface(*AS, OS);
    else
      llvm::consumeError(AS.takeError());
  }
  return 0;
}
