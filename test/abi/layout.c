// The ABI header is plain C99 and C++, and its records have the documented
// sizes and offsets (docs/melf-abi.md) on every compiler.
// RUN: %clang -std=c99 -Wall -Wextra -Werror -pedantic -fsyntax-only -I%melf_abi_include %s
// RUN: %clangxx -x c++ -std=c++11 -Wall -Wextra -Werror -fsyntax-only -I%melf_abi_include %s
// RUN: gcc -std=c99 -Wall -Wextra -Werror -pedantic -fsyntax-only -I%melf_abi_include %s
#include <melf/abi.h>
#include <stddef.h>

#ifdef __cplusplus
#define SA(c, m) static_assert(c, m)
#else
#define SA(c, m) _Static_assert(c, m)
#endif

SA(sizeof(struct melf_group_header) == 16, "group header");
SA(offsetof(struct melf_group_header, nentries) == 8, "nentries");
SA(offsetof(struct melf_group_header, entry_size) == 12, "entry_size");
SA(sizeof(struct melf_group_entry) == 64, "group entry");
SA(offsetof(struct melf_group_entry, isa_features) == 8, "isa");
SA(offsetof(struct melf_group_entry, arch) == 16, "arch");
SA(offsetof(struct melf_group_entry, flags) == 20, "flags");
SA(offsetof(struct melf_group_entry, name) == 24, "name");
SA(offsetof(struct melf_group_entry, reserved) == 56, "reserved");
SA(sizeof(struct melf_meta_header) == 104, "meta header");
SA(offsetof(struct melf_meta_header, parts) == 56, "parts");
SA(sizeof(struct melf_meta_part) == 16, "part");
SA(sizeof(struct melf_meta_variant) == 72, "meta variant");
SA(offsetof(struct melf_meta_variant, part_offset) == 48, "part_offset");
SA(sizeof(struct melf_meta_slot) == 32, "meta slot");
SA(offsetof(struct melf_meta_slot, prefix) == 24, "meta slot prefix");
SA(sizeof(struct melf_meta_body) == 8, "meta body");
SA(offsetof(struct melf_meta_body, prefix) == 4, "meta body prefix");
SA(MELF_X86_64_V2_MASK == 0x7f, "v2");
SA(MELF_X86_64_V3_MASK == 0xffff, "v3");
SA(MELF_X86_64_V4_MASK == 0x1fffff, "v4");
SA(PT_MELF_IMAGE >= 0x60000000 && PT_MELF_META <= 0x6fffffff, "PT_LOOS..PT_HIOS");
SA((PT_MELF_IMAGE & 0xfffffff0u) != 0x6474e550u, "not GNU");
SA(MELF_MAX_VARIANTS <= 64, "present mask is 64 bits");
#if defined(__x86_64__)
SA(offsetof(struct melf_debug, text) == 16, "debug text");
SA(offsetof(struct melf_debug, process_variant) == 48, "debug process_variant");
SA(offsetof(struct melf_debug, names) == 56, "debug names");
SA(offsetof(struct melf_debug, executable) == 56 + 8 * MELF_MAX_VARIANTS, "debug executable");
SA(sizeof(struct melf_debug_thread) == 8, "debug thread");
SA(sizeof(struct melf_debug) == 64 + 8 * MELF_MAX_VARIANTS + 8 * MELF_DEBUG_MAX_THREADS, "debug");
#endif

extern const char *const melf_feature_names[];
const char *const melf_feature_names[] = MELF_X86_FEATURE_NAMES;
SA(sizeof(melf_feature_names) / sizeof(melf_feature_names[0]) == MELF_X86_FEATURE_COUNT, "feature names");
