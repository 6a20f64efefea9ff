//===- Verify.h - check the MELF invariants of a binary ---------*- C++ -*-===//

#ifndef MELF_OBJDUMP_VERIFY_H
#define MELF_OBJDUMP_VERIFY_H

#include "MelfFile.h"
#include <string>
#include <vector>

namespace melf {
namespace objdump {

/// Every invariant of docs/melf-abi.md (level 4) that can be checked from the
/// file. Returns one message per violation; empty means the binary is valid.
std::vector<std::string> verify(const MelfFile &F);

/// The AArch64 rules (VerifyAArch64.cpp): 4-byte instruction alignment of
/// slots and bodies, direct branches that never land in padding. Empty for
/// other architectures.
std::vector<std::string> verifyAArch64(const MelfFile &F);

} // namespace objdump
} // namespace melf

#endif
