/*
 * melf/abi.h - the MELF ABI: every constant and record layout shared by the
 * compiler plugin, ld.melf, libmelf and melf-objdump.
 *
 * This header is the one place these values are defined. docs/melf-abi.md is
 * the prose contract; when the two disagree, fix both in the same change.
 *
 * Plain C99, no dependencies beyond <stdint.h>, usable from C++ and from the
 * kernel-free parts of every component. All multi-byte fields are
 * little-endian and fixed-width; records never contain pointers of host size.
 */
#ifndef MELF_ABI_H
#define MELF_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Versions ---------------------------------------------------------- */

/* Version of the object-level records (.melf.group). */
#define MELF_OBJ_VERSION 1u
/* Version of the run-time metadata (.melf.meta, PT_MELF_META). */
#define MELF_META_VERSION 2u

/* ---- Names ------------------------------------------------------------- */

/* Every MELF section starts with this prefix. It deliberately does not start
 * with ".text.", ".rodata." or ".data.", which LLD folds into the generic
 * output sections. */
#define MELF_SECTION_PREFIX ".melf."

/* Code of a multivariant function: MELF_TEXT_PREFIX "<variant>." "<symbol>".
 * The default body uses the variant name "default". Clone sections carry
 * SHF_LINK_ORDER pointing at the default body's section. */
#define MELF_TEXT_PREFIX ".melf.text."
/* Storage of a view_local global: MELF_VLDATA_PREFIX "<symbol>". */
#define MELF_VLDATA_PREFIX ".melf.vldata."
/* Object-level group records (one section per multivariant function,
 * SHF_EXCLUDE | SHF_LINK_ORDER -> the default body's section). */
#define MELF_GROUP_SECTION ".melf.group"
/* Run-time metadata written by ld.melf (SHF_ALLOC, read-only). */
#define MELF_META_SECTION ".melf.meta"

/* Name of the always-present variant 0. */
#define MELF_DEFAULT_VARIANT "default"
/* Clone symbols: "<symbol>" MELF_CLONE_INFIX "<variant>" (local binding). */
#define MELF_CLONE_INFIX ".melf."

/* Variant names: 1..MELF_NAME_MAX-1 characters of [A-Za-z0-9_-], first
 * character a letter. Stored NUL-padded in fixed-width fields. */
#define MELF_NAME_MAX 32
/* The variant-name rule, for every component: MELF_NAME_OK, or which part
 * of the rule n[0..len) breaks. */
enum melf_name_check {
  MELF_NAME_OK = 0,
  MELF_NAME_EMPTY,    /* no characters                                 */
  MELF_NAME_TOO_LONG, /* MELF_NAME_MAX characters or more              */
  MELF_NAME_FIRST,    /* the first character is not a letter           */
  MELF_NAME_CHAR      /* a character other than [A-Za-z0-9_-]         */
};
static inline int melf_name_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static inline enum melf_name_check melf_check_variant_name(const char *n,
                                                           size_t len) {
  if (len == 0)
    return MELF_NAME_EMPTY;
  if (len >= MELF_NAME_MAX)
    return MELF_NAME_TOO_LONG;
  if (!melf_name_letter(n[0]))
    return MELF_NAME_FIRST;
  for (size_t i = 0; i < len; i++)
    if (!melf_name_letter(n[i]) && !(n[i] >= '0' && n[i] <= '9') &&
        n[i] != '_' && n[i] != '-')
      return MELF_NAME_CHAR;
  return MELF_NAME_OK;
}
/* At most this many variants (including default) per link. */
#define MELF_MAX_VARIANTS 64
/* DWARF of variant v's bodies (v != 0) describes the slot addresses plus
 * v << MELF_DEBUG_SHADOW_SHIFT: above every user address, disjoint per
 * variant (docs/melf-abi.md, "Debug information"). */
#define MELF_DEBUG_SHADOW_SHIFT 48

/* Defined by libmelf; ld.melf adds an undefined reference to it when the
 * link has MELF input, so that `-lmelf` pulls the runtime (its start-up
 * constructor) into programs that never call the API. */
#define MELF_RUNTIME_SYMBOL "__melf_runtime"

/* Modules (docs/melf-abi.md, "Modules"). A MELF shared library reports its
 * loading and unloading to the process's runtime: ld.melf adds an
 * undefined reference to MELF_MODULE_SYMBOL in `-shared` links with MELF
 * input, which pulls the module object (a constructor and a destructor)
 * out of libmelf_nonshared.a; they call the runtime's
 *   void __melf_module_event(int event, const void *addr_in_module);
 * with one of enum melf_module_event. */
#define MELF_MODULE_SYMBOL "__melf_module"
#define MELF_MODULE_EVENT_SYMBOL "__melf_module_event"
enum melf_module_event {
  MELF_MODULE_LOADED = 1,    /* from the module's constructor              */
  MELF_MODULE_UNLOADING = 2, /* from its destructor (dlclose, exit)         */
};
/* In a `-shared` link, `-lmelf` names the shared runtime through this file,
 * searched under each library directory: a linker script naming
 * libmelf.so.0 and libmelf_nonshared.a (libraries never embed the static
 * runtime: one runtime per process). */
#define MELF_SHARED_RUNTIME_SCRIPT "melf/libmelf.so"
/* An executable with MELF input exports the runtime's symbols that match
 * these patterns, so that MELF libraries bind to its runtime. */
#define MELF_RUNTIME_EXPORTS {"melf_*", "__melf_*"}

/* Instrumented variants (docs/melf-abi.md, "Instrumented variants"). The
 * runtime of an instrumented variant (MELF's AddressSanitizer runtime)
 * defines
 *   void __melf_variant_changed(int scope, uint32_t flags);
 * and the MELF runtime calls it, if defined, on every change of the variant
 * threads run, with one of enum melf_hook_scope and the MELF_VF_* flags of
 * that variant. Matched by MELF_RUNTIME_EXPORTS: MELF executables export it
 * to libmelf.so.0. */
#define MELF_VARIANT_HOOK_SYMBOL "__melf_variant_changed"
enum melf_hook_scope {
  MELF_HOOK_BASE = 0,        /* the base view's variant (process mode: the
                                process's) is now one with `flags`; threads
                                that follow it run it                      */
  MELF_HOOK_THREAD = 1,      /* the calling thread now runs a view of its
                                own, of a variant with `flags`              */
  MELF_HOOK_THREAD_BASE = 2, /* the calling thread follows the base view
                                again (`flags`: the base view's variant's)  */
};

/* Function the pass folds to the name of the variant a body was compiled as
 * (declared in runtime/include/melf.h). */
#define MELF_COMPILED_VARIANT_FN "melf_compiled_variant"

/* ---- Architectures (values of ELF e_machine) --------------------------- */

#define MELF_ARCH_NONE 0u
#define MELF_ARCH_X86_64 62u  /* EM_X86_64 */
#define MELF_ARCH_AARCH64 183u /* EM_AARCH64 */

/* ---- ISA feature bits (per architecture) ------------------------------- */
/* A variant requires every bit it sets; the runtime refuses to run a variant
 * whose bits the CPU lacks. Bits are per architecture (see arch fields). */

enum melf_x86_feature {
  MELF_X86_CX16 = 0,
  MELF_X86_LAHF_SAHF = 1,
  MELF_X86_POPCNT = 2,
  MELF_X86_SSE3 = 3,
  MELF_X86_SSSE3 = 4,
  MELF_X86_SSE4_1 = 5,
  MELF_X86_SSE4_2 = 6,
  MELF_X86_AVX = 7,
  MELF_X86_AVX2 = 8,
  MELF_X86_BMI1 = 9,
  MELF_X86_BMI2 = 10,
  MELF_X86_F16C = 11,
  MELF_X86_FMA = 12,
  MELF_X86_LZCNT = 13,
  MELF_X86_MOVBE = 14,
  MELF_X86_XSAVE = 15,
  MELF_X86_AVX512F = 16,
  MELF_X86_AVX512BW = 17,
  MELF_X86_AVX512CD = 18,
  MELF_X86_AVX512DQ = 19,
  MELF_X86_AVX512VL = 20,
  MELF_X86_AES = 21,
  MELF_X86_PCLMUL = 22,
  MELF_X86_SHA = 23,
  MELF_X86_ADX = 24,
  MELF_X86_RDRND = 25,
  MELF_X86_RDSEED = 26,
  MELF_X86_AVX512VNNI = 27,
  MELF_X86_AVX512BF16 = 28,
  MELF_X86_AVX512VBMI = 29,
  MELF_X86_AVX512FP16 = 30,
  MELF_X86_AVXVNNI = 31,
  MELF_X86_FEATURE_COUNT = 32
};

#define MELF_BIT(b) (UINT64_C(1) << (b))

/* The x86-64 psABI micro-architecture levels as feature masks. */
#define MELF_X86_64_V2_MASK                                                    \
  (MELF_BIT(MELF_X86_CX16) | MELF_BIT(MELF_X86_LAHF_SAHF) |                    \
   MELF_BIT(MELF_X86_POPCNT) | MELF_BIT(MELF_X86_SSE3) |                       \
   MELF_BIT(MELF_X86_SSSE3) | MELF_BIT(MELF_X86_SSE4_1) |                      \
   MELF_BIT(MELF_X86_SSE4_2))
#define MELF_X86_64_V3_MASK                                                    \
  (MELF_X86_64_V2_MASK | MELF_BIT(MELF_X86_AVX) | MELF_BIT(MELF_X86_AVX2) |    \
   MELF_BIT(MELF_X86_BMI1) | MELF_BIT(MELF_X86_BMI2) |                         \
   MELF_BIT(MELF_X86_F16C) | MELF_BIT(MELF_X86_FMA) |                          \
   MELF_BIT(MELF_X86_LZCNT) | MELF_BIT(MELF_X86_MOVBE) |                       \
   MELF_BIT(MELF_X86_XSAVE))
#define MELF_X86_64_V4_MASK                                                    \
  (MELF_X86_64_V3_MASK | MELF_BIT(MELF_X86_AVX512F) |                          \
   MELF_BIT(MELF_X86_AVX512BW) | MELF_BIT(MELF_X86_AVX512CD) |                 \
   MELF_BIT(MELF_X86_AVX512DQ) | MELF_BIT(MELF_X86_AVX512VL))

/* LLVM/GCC feature names of the x86 bits, indexed by enum melf_x86_feature.
 * Defined here so that every component prints the same names. */
#define MELF_X86_FEATURE_NAMES                                                 \
  {"cx16",     "sahf",       "popcnt",     "sse3",       "ssse3",              \
   "sse4.1",   "sse4.2",     "avx",        "avx2",       "bmi",                \
   "bmi2",     "f16c",       "fma",        "lzcnt",      "movbe",              \
   "xsave",    "avx512f",    "avx512bw",   "avx512cd",   "avx512dq",           \
   "avx512vl", "aes",        "pclmul",     "sha",        "adx",                \
   "rdrnd",    "rdseed",     "avx512vnni", "avx512bf16", "avx512vbmi",         \
   "avx512fp16", "avxvnni"}

/* AArch64 (arch MELF_ARCH_AARCH64): features user space can see in the
 * Linux auxiliary vector (AT_HWCAP, AT_HWCAP2) and code generation may use.
 * The names are LLVM's target feature names (MELF_AARCH64_FEATURE_NAMES);
 * where Linux splits a feature into several hwcaps the bit needs all of them
 * (docs/melf-abi.md, "ISA feature bits"). */
enum melf_aarch64_feature {
  MELF_AARCH64_FP = 0,         /* HWCAP_FP                       */
  MELF_AARCH64_NEON = 1,       /* HWCAP_ASIMD                    */
  MELF_AARCH64_AES = 2,        /* HWCAP_AES + HWCAP_PMULL        */
  MELF_AARCH64_SHA2 = 3,       /* HWCAP_SHA1 + HWCAP_SHA2        */
  MELF_AARCH64_CRC = 4,        /* HWCAP_CRC32                    */
  MELF_AARCH64_LSE = 5,        /* HWCAP_ATOMICS                  */
  MELF_AARCH64_RDM = 6,        /* HWCAP_ASIMDRDM                 */
  MELF_AARCH64_CCPP = 7,       /* HWCAP_DCPOP                    */
  MELF_AARCH64_FULLFP16 = 8,   /* HWCAP_FPHP + HWCAP_ASIMDHP     */
  MELF_AARCH64_DOTPROD = 9,    /* HWCAP_ASIMDDP                  */
  MELF_AARCH64_RCPC = 10,      /* HWCAP_LRCPC                    */
  MELF_AARCH64_JSCONV = 11,    /* HWCAP_JSCVT                    */
  MELF_AARCH64_COMPLXNUM = 12, /* HWCAP_FCMA                     */
  MELF_AARCH64_PAUTH = 13,     /* HWCAP_PACA + HWCAP_PACG        */
  MELF_AARCH64_DIT = 14,       /* HWCAP_DIT                      */
  MELF_AARCH64_FLAGM = 15,     /* HWCAP_FLAGM                    */
  MELF_AARCH64_RCPC_IMMO = 16, /* HWCAP_ILRCPC                   */
  MELF_AARCH64_LSE2 = 17,      /* HWCAP_USCAT                    */
  MELF_AARCH64_SHA3 = 18,      /* HWCAP_SHA3 + HWCAP_SHA512      */
  MELF_AARCH64_SM4 = 19,       /* HWCAP_SM3 + HWCAP_SM4          */
  MELF_AARCH64_FP16FML = 20,   /* HWCAP_ASIMDFHM                 */
  MELF_AARCH64_SVE = 21,       /* HWCAP_SVE                      */
  MELF_AARCH64_SB = 22,        /* HWCAP_SB                       */
  MELF_AARCH64_SSBS = 23,      /* HWCAP_SSBS                     */
  MELF_AARCH64_ALTNZCV = 24,   /* HWCAP2_FLAGM2                  */
  MELF_AARCH64_FPTOINT = 25,   /* HWCAP2_FRINT                   */
  MELF_AARCH64_CCDP = 26,      /* HWCAP2_DCPODP                  */
  MELF_AARCH64_BTI = 27,       /* HWCAP2_BTI                     */
  MELF_AARCH64_SVE2 = 28,      /* HWCAP2_SVE2                    */
  MELF_AARCH64_I8MM = 29,      /* HWCAP2_I8MM                    */
  MELF_AARCH64_BF16 = 30,      /* HWCAP2_BF16                    */
  MELF_AARCH64_RAND = 31,      /* HWCAP2_RNG                     */
  MELF_AARCH64_MTE = 32,       /* HWCAP2_MTE                     */
  MELF_AARCH64_FEATURE_COUNT = 33
};

/* The Arm A-profile architecture versions as feature masks: what each
 * version makes mandatory and user space can see (v8.0: FP and Advanced
 * SIMD, which every AArch64 Linux system has). */
#define MELF_AARCH64_V8_MASK                                                   \
  (MELF_BIT(MELF_AARCH64_FP) | MELF_BIT(MELF_AARCH64_NEON))
#define MELF_AARCH64_V8_2_MASK                                                 \
  (MELF_AARCH64_V8_MASK | MELF_BIT(MELF_AARCH64_CRC) |                         \
   MELF_BIT(MELF_AARCH64_LSE) | MELF_BIT(MELF_AARCH64_RDM) |                   \
   MELF_BIT(MELF_AARCH64_CCPP))
#define MELF_AARCH64_V8_4_MASK                                                 \
  (MELF_AARCH64_V8_2_MASK | MELF_BIT(MELF_AARCH64_RCPC) |                      \
   MELF_BIT(MELF_AARCH64_JSCONV) | MELF_BIT(MELF_AARCH64_COMPLXNUM) |          \
   MELF_BIT(MELF_AARCH64_PAUTH) | MELF_BIT(MELF_AARCH64_DOTPROD) |             \
   MELF_BIT(MELF_AARCH64_DIT) | MELF_BIT(MELF_AARCH64_FLAGM) |                 \
   MELF_BIT(MELF_AARCH64_RCPC_IMMO) | MELF_BIT(MELF_AARCH64_LSE2))
#define MELF_AARCH64_V9_MASK                                                   \
  (MELF_AARCH64_V8_4_MASK | MELF_BIT(MELF_AARCH64_SB) |                        \
   MELF_BIT(MELF_AARCH64_SSBS) | MELF_BIT(MELF_AARCH64_ALTNZCV) |              \
   MELF_BIT(MELF_AARCH64_FPTOINT) | MELF_BIT(MELF_AARCH64_CCDP) |              \
   MELF_BIT(MELF_AARCH64_BTI) | MELF_BIT(MELF_AARCH64_FULLFP16) |              \
   MELF_BIT(MELF_AARCH64_SVE) | MELF_BIT(MELF_AARCH64_SVE2))

/* LLVM feature names of the AArch64 bits, indexed by
 * enum melf_aarch64_feature. */
#define MELF_AARCH64_FEATURE_NAMES                                             \
  {"fp-armv8", "neon",     "aes",       "sha2",     "crc",      "lse",         \
   "rdm",      "ccpp",     "fullfp16",  "dotprod",  "rcpc",     "jsconv",      \
   "complxnum", "pauth",   "dit",       "flagm",    "rcpc-immo", "lse2",       \
   "sha3",     "sm4",      "fp16fml",   "sve",      "sb",       "ssbs",        \
   "altnzcv",  "fptoint",  "ccdp",      "bti",      "sve2",     "i8mm",        \
   "bf16",     "rand",     "mte"}

/* Name of feature bit `bit` of `arch`, or 0 where none is assigned. */
static inline const char *melf_isa_feature_name(uint32_t arch, unsigned bit) {
  static const char *const x86[] = MELF_X86_FEATURE_NAMES;
  static const char *const a64[] = MELF_AARCH64_FEATURE_NAMES;
  if (arch == MELF_ARCH_X86_64 && bit < MELF_X86_FEATURE_COUNT)
    return x86[bit];
  if (arch == MELF_ARCH_AARCH64 && bit < MELF_AARCH64_FEATURE_COUNT)
    return a64[bit];
  return 0;
}

/* ---- Variant flags (both object records and run-time metadata) --------- */

#define MELF_VF_DEFAULT 0x1u  /* the default body (entry 0 of a group)     */
#define MELF_VF_ASAN 0x2u     /* instrumented by AddressSanitizer           */
#define MELF_VF_OPTNONE 0x4u  /* compiled unoptimised (debug)               */
#define MELF_VF_SIZE 0x8u     /* optimised for size                          */
#define MELF_VF_WHOLE_FILE 0x10u /* from a whole-file variant object        */
/* A reduced variant (ld.melf --melf-reduce): no bodies of its own; in its
 * image a slot is the default's bytes or, where bodies[s][v].size is 0,
 * trap bytes (docs/melf-abi.md, "Reduced variants"). Run-time metadata
 * only: a group entry with it is invalid. */
#define MELF_VF_REDUCED 0x20u
/* Every flag above; any other bit makes a record or variant invalid. */
#define MELF_VF_KNOWN                                                          \
  (MELF_VF_DEFAULT | MELF_VF_ASAN | MELF_VF_OPTNONE | MELF_VF_SIZE |           \
   MELF_VF_WHOLE_FILE | MELF_VF_REDUCED)

/* The ISA feature bits that have a meaning for `arch` (0: none, so a
 * variant with arch 0 or an architecture without feature bits yet may set
 * none). A variant or group entry with other bits is invalid. */
static inline uint64_t melf_isa_assigned(uint32_t arch) {
  if (arch == MELF_ARCH_X86_64)
    return MELF_X86_FEATURE_COUNT >= 64
               ? ~(uint64_t)0
               : (((uint64_t)1 << MELF_X86_FEATURE_COUNT) - 1);
  if (arch == MELF_ARCH_AARCH64)
    return ((uint64_t)1 << MELF_AARCH64_FEATURE_COUNT) - 1;
  return 0;
}

/* ---- Object-level records: section .melf.group ------------------------- */
/*
 * One section per multivariant function, SHF_EXCLUDE | SHF_LINK_ORDER with
 * sh_link = the default body's section, alignment 8, in the default body's
 * comdat group if it has one. Contents: one group record = header followed
 * by `nentries` entries of `entry_size` bytes. Records may be concatenated
 * (ld -r, several groups in one section); a reader walks them by
 * header_size + nentries * entry_size. Unknown trailing bytes in a header or
 * entry (larger sizes than this version knows) are skipped; smaller sizes
 * are an error.
 */

#define MELF_GROUP_MAGIC 0x4746454du /* "MEFG" read as little-endian u32 */

struct melf_group_header {
  uint32_t magic;       /* MELF_GROUP_MAGIC                           */
  uint16_t version;     /* MELF_OBJ_VERSION                           */
  uint16_t header_size; /* sizeof(struct melf_group_header) = 16      */
  uint32_t nentries;    /* entries that follow, entry 0 = default     */
  uint32_t entry_size;  /* sizeof(struct melf_group_entry) = 64       */
};

struct melf_group_entry {
  uint64_t addr;          /* R_*_64 relocation -> the body (its symbol
                             or its section symbol + addend)           */
  uint64_t isa_features;  /* required ISA feature bits (arch below)    */
  uint32_t arch;          /* MELF_ARCH_*; 0 = no requirement           */
  uint32_t flags;         /* MELF_VF_*                                 */
  char name[MELF_NAME_MAX];/* variant name, NUL-padded                  */
  uint64_t reserved;      /* zero                                      */
};

/* ---- Whole-file variant objects --------------------------------------- */
/*
 * A translation unit compiled "as variant V" (-fplugin-arg-melf-as-variant=V)
 * contributes clones of functions defined in the default build of the same
 * file. Its .melf.group records have the ordinary layout with entry 0
 * referring (by an undefined-symbol relocation) to the default body and the
 * other entries carrying MELF_VF_WHOLE_FILE. A static function or variable
 * of the default build is reached through a hidden global alias the default
 * build emits: MELF_STATIC_PREFIX "<file id>." "<name>", where the file id
 * is 16 hex digits of a hash of the source file name.
 */
#define MELF_STATIC_PREFIX "__melf.static."
/* The symbol a variant object V defines and the default build of its file
 * requires (listed in section MELF_REQUIRES_SECTION, SHF_EXCLUDE):
 * MELF_STATIC_PREFIX "<file id>." MELF_VARIANT_KEY "<V>". */
#define MELF_VARIANT_KEY "variant."
#define MELF_REQUIRES_SECTION ".melf.requires"

/* ---- IR-level names: Clang plugin -> pass (docs/melf-abi.md, level 2) -- */
/* llvm.global.annotations strings: "melf.variant" or "melf.variant=a,b" on
 * functions, "melf.view_local" on globals. */
#define MELF_IR_VARIANT_ANNOTATION "melf.variant"
#define MELF_IR_VIEW_LOCAL_ANNOTATION "melf.view_local"
/* The same marks as IR attributes, for opt tests: "melf.variants"="a,b" on
 * a function, "melf.view_local" on a global. */
#define MELF_IR_VARIANTS_ATTR "melf.variants"
#define MELF_IR_VIEW_LOCAL_ATTR "melf.view_local"

/*
 * Data a variant object uses from the default build: section .melf.data,
 * SHF_EXCLUDE, records back to back: a melf_group_header (magic
 * MELF_DATA_MAGIC, entry_size 16) followed by entries of the size the
 * variant object assumed for each variable; the linker checks them against
 * the default definitions' st_size.
 */
#define MELF_DATA_SECTION ".melf.data"
#define MELF_DATA_MAGIC 0x4446454du /* "MEFD" read as little-endian u32 */

struct melf_data_entry {
  uint64_t addr; /* R_*_64 relocation -> the default build's variable */
  uint64_t size; /* bytes the variant object assumes                 */
};

/*
 * What a compile with a function list matched (section .melf.funclist,
 * SHF_EXCLUDE, alignment 1, no relocations), so that the linker reports the
 * entries that matched no function in the whole program. Records back to
 * back: a melf_funclist_header, then `nentries` entries of `size` bytes in
 * all, each a state byte (MELF_FUNCLIST_MATCHED or _UNMATCHED in this
 * object) followed by the entry's text and a NUL.
 */
#define MELF_FUNCLIST_SECTION ".melf.funclist"
#define MELF_FUNCLIST_MAGIC 0x4c46454du /* "MEFL" read as little-endian u32 */
#define MELF_FUNCLIST_MATCHED 'M'
#define MELF_FUNCLIST_UNMATCHED 'U'

struct melf_funclist_header {
  uint32_t magic;       /* MELF_FUNCLIST_MAGIC                            */
  uint16_t version;     /* MELF_OBJ_VERSION                               */
  uint16_t header_size; /* sizeof(struct melf_funclist_header) = 16       */
  uint32_t nentries;
  uint32_t size;        /* bytes of the entries after the header          */
};

/* ---- Program headers --------------------------------------------------- */
/* In PT_LOOS..PT_HIOS, clear of GNU (0x6474e55x), PaX (0x65041580),
 * OpenBSD (0x65a3dbe6..0x65a41be7) and Sun (0x6ffffffa..0x6fffffff).
 * PT_MELF_IMAGE: one per non-default variant; p_offset/p_filesz cover that
 * variant's image in the file (all its per-image parts back to back),
 * p_vaddr is the text part's address. PT_MELF_META: the .melf.meta section. */
#define PT_MELF_IMAGE 0x6d454c01u
#define PT_MELF_META 0x6d454c02u

/* ---- Link-time output sections written by ld.melf ---------------------- */

#define MELF_OUT_TEXT ".melf.text"     /* default image, text part   */
#define MELF_OUT_RODATA ".eh_frame"    /* default image, rodata part */
#define MELF_OUT_VLDATA ".melf.vldata" /* view-local data part       */
/* Image of variant V (non-alloc, covered by its PT_MELF_IMAGE). */
#define MELF_OUT_IMAGE_PREFIX ".melf.image."

/* ---- Run-time metadata: section .melf.meta, PT_MELF_META --------------- */
/*
 * Read-only, loaded, 8-byte aligned. All addresses are link-time virtual
 * addresses (add the load bias at run time); all offsets in the header are
 * from the start of the header. Layout:
 *   header | variants[nvariants] | slots[nslots] |
 *   bodies[nslots][nvariants] (struct melf_meta_body) | string table
 */

#define MELF_META_MAGIC 0x464c454du /* "MELF" read as little-endian u32 */

/* Parts of the MELF area. Each present part is page-aligned in memory and
 * in the file, a whole number of pages long, and shares no page with
 * anything else. Text and rodata exist once per variant (one image each);
 * view-local data exists once in the file and once per view in memory. */
enum melf_part {
  MELF_PART_TEXT = 0,   /* slots: PF_R | PF_X                          */
  MELF_PART_RODATA = 1, /* per-image read-only data (unwind tables): PF_R */
  MELF_PART_VLDATA = 2, /* view_local variables: PF_R | PF_W           */
  MELF_PART_COUNT = 3
};

struct melf_meta_part {
  uint64_t vaddr; /* page-aligned; 0 with size 0 = part absent       */
  uint64_t size;  /* multiple of page_size                           */
};

struct melf_meta_header {
  uint32_t magic;        /* MELF_META_MAGIC                            */
  uint16_t version;      /* MELF_META_VERSION                          */
  uint16_t header_size;  /* sizeof(struct melf_meta_header) = 104      */
  uint32_t page_size;    /* page size the layout assumes               */
  uint32_t arch;         /* ELF e_machine of the code                  */
  uint32_t nvariants;    /* including default (id 0), <= MELF_MAX_VARIANTS */
  uint32_t variant_size; /* sizeof(struct melf_meta_variant) = 72      */
  uint32_t nslots;
  uint32_t slot_size;    /* sizeof(struct melf_meta_slot) = 32         */
  uint32_t variants_off;
  uint32_t slots_off;
  uint32_t bodies_off;   /* struct melf_meta_body [nslots][nvariants]  */
  uint32_t strtab_off;
  uint32_t strtab_size;  /* NUL-terminated names; offset 0 = ""        */
  uint32_t flags;        /* zero                                        */
  struct melf_meta_part parts[MELF_PART_COUNT];
};

struct melf_meta_variant {
  char name[MELF_NAME_MAX]; /* NUL-padded; variant 0 is "default"       */
  uint64_t isa_features;    /* required ISA bits for `arch`             */
  uint32_t arch;            /* MELF_ARCH_*, 0 = no requirement          */
  uint32_t flags;           /* MELF_VF_*                                */
  /* File offset of this variant's copy of each part (page-aligned);
   * 0 where the part is absent or not per image (VLDATA). For variant 0
   * these are the offsets of the default image inside its PT_LOADs. */
  uint64_t part_offset[MELF_PART_COUNT];
};

/* A slot covers [addr - prefix, addr + size): `addr` is the entry, the
 * function symbol's address, the same in every image. Bytes before it are
 * body prefixes (function-sanitizer signatures, kCFI type hashes,
 * patchable-entry NOPs), each body's ending at the entry. */
struct melf_meta_slot {
  uint64_t addr;     /* link-time address of the entry = the symbol's  */
  uint32_t size;     /* bytes reserved from addr: the largest body      */
  uint32_t name_off; /* symbol name in the string table                */
  uint64_t present;  /* bit v: variant v has its own body (bit 0 set)  */
  uint32_t prefix;   /* bytes reserved before addr: the largest prefix  */
  uint32_t reserved; /* zero                                            */
};

/* Body of variant v in slot s (the default's where v has none): it covers
 * [addr - prefix, addr + size) of the slot. */
struct melf_meta_body {
  uint32_t size;   /* bytes from the entry to the end of the body      */
  uint32_t prefix; /* bytes of the body before the entry (<= slot's)   */
};

/* The largest prefix a body may have before its entry. */
#define MELF_MAX_PREFIX 4096u

/* ---- Debugger interface: libmelf <-> debuggers (docs/debugging.md) ---- */
/*
 * libmelf defines `struct melf_debug MELF_DEBUG_SYMBOL` and an empty
 * function MELF_DEBUG_NOTIFY_SYMBOL (in the style of r_debug and the GDB JIT
 * interface). It calls the function after every change: a debugger breaks
 * on it and reads the structure. `state` is MELF_DEBUG_REMAP_BEGIN while the
 * area is about to be remapped in process mode (the old image is still
 * mapped; breakpoints in the area must come out now) and
 * MELF_DEBUG_CONSISTENT otherwise. libmelf is built with debug information,
 * so debuggers can read the fields by name.
 */
#define MELF_DEBUG_SYMBOL "_melf_debug"
#define MELF_DEBUG_NOTIFY_SYMBOL "_melf_debug_notify"
#define MELF_DEBUG_VERSION 1
#define MELF_DEBUG_MAX_THREADS 256
/* libmelf's process-wide switches stop the other threads with the signal
 * SIGRTMAX - MELF_SAFEPOINT_SIGRTMAX_OFFSET; debuggers pass it silently. */
#define MELF_SAFEPOINT_SIGRTMAX_OFFSET 3

enum melf_debug_state {
  MELF_DEBUG_CONSISTENT = 0,  /* the mapping matches the structure       */
  MELF_DEBUG_REMAP_BEGIN = 1  /* process mode: the area is remapped next */
};

struct melf_debug_thread {
  int32_t tid;     /* kernel thread id, 0 for a free entry             */
  int32_t variant; /* the variant this thread runs (views mode)        */
};

struct melf_debug {
  uint32_t version;         /* MELF_DEBUG_VERSION                         */
  uint32_t state;           /* enum melf_debug_state                      */
  uint32_t mode;            /* 0 none, 1 process, 2 views (melf.h)        */
  uint32_t nvariants;       /* entries of names[]                         */
  uint64_t text, text_size; /* run-time address and size of the text part */
  uint64_t rodata, rodata_size; /* the rodata part (unwind tables)        */
  int32_t process_variant;  /* the base image: every thread in process
                               mode, threads without an entry in views mode */
  uint32_t nthreads;        /* entries of threads[] in use                */
  const char *names[MELF_MAX_VARIANTS]; /* by variant id                  */
  const char *executable;   /* path the images are mapped from            */
  struct melf_debug_thread threads[MELF_DEBUG_MAX_THREADS];
};

/* Trap byte that fills slot padding on x86-64: hlt (SIGSEGV in user mode),
 * not int3, which debuggers take for a breakpoint of the program's own. */
#define MELF_X86_TRAP_BYTE 0xf4u
#define MELF_X86_TRAP_MNEMONIC "hlt"
/* Trap word that fills slot padding on AArch64: udf #0 (permanently
 * undefined: SIGILL), not brk, which debuggers use as their breakpoint
 * instruction (gdb plants brk #0). Its encoding is 0x00000000, so the fill
 * is zero bytes: every aligned word of the padding and zero-filled pages
 * trap alike. */
#define MELF_AARCH64_TRAP_WORD 0x00000000u
#define MELF_AARCH64_TRAP_MNEMONIC "udf #0"

#ifdef __cplusplus
}
#endif

#endif /* MELF_ABI_H */
