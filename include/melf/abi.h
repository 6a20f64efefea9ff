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

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Versions ---------------------------------------------------------- */

/* Version of the object-level records (.melf.group). */
#define MELF_OBJ_VERSION 1u
/* Version of the run-time metadata (.melf.meta, PT_MELF_META). */
#define MELF_META_VERSION 1u

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
/* At most this many variants (including default) per link. */
#define MELF_MAX_VARIANTS 64

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

/* ---- Variant flags (both object records and run-time metadata) --------- */

#define MELF_VF_DEFAULT 0x1u  /* the default body (entry 0 of a group)     */
#define MELF_VF_ASAN 0x2u     /* instrumented by AddressSanitizer           */
#define MELF_VF_OPTNONE 0x4u  /* compiled unoptimised (debug)               */
#define MELF_VF_SIZE 0x8u     /* optimised for size                          */
#define MELF_VF_WHOLE_FILE 0x10u /* from a whole-file variant object        */

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
  uint64_t addr;          /* R_*_64 relocation -> the body's symbol    */
  uint64_t isa_features;  /* required ISA feature bits (arch below)    */
  uint32_t arch;          /* MELF_ARCH_*; 0 = no requirement           */
  uint32_t flags;         /* MELF_VF_*                                 */
  char name[MELF_NAME_MAX];/* variant name, NUL-padded                  */
  uint64_t reserved;      /* zero                                      */
};

/* ---- Program headers --------------------------------------------------- */
/* In PT_LOOS..PT_HIOS, clear of GNU (0x6474e55x), PaX (0x65041580),
 * OpenBSD (0x65a3dbe6..0x65a41be7) and Sun (0x6ffffffa..0x6fffffff). */
#define PT_MELF_IMAGE 0x6d454c01u /* a non-default variant image        */
#define PT_MELF_META 0x6d454c02u  /* the run-time metadata (.melf.meta)  */

/* ---- Run-time metadata: section .melf.meta (draft, see melf-abi.md) ---- */

#define MELF_META_MAGIC 0x464c454du /* "MELF" read as little-endian u32 */

struct melf_meta_header {
  uint32_t magic;         /* MELF_META_MAGIC                           */
  uint16_t version;       /* MELF_META_VERSION                         */
  uint16_t header_size;   /* sizeof(struct melf_meta_header)           */
  uint32_t page_size;     /* page size the layout assumes              */
  uint32_t arch;          /* MELF_ARCH_*                               */
  uint64_t area_start;    /* link-time vaddr, page-aligned             */
  uint64_t area_end;      /* link-time vaddr, page-aligned, exclusive  */
  uint32_t nvariants;     /* including default (id 0)                  */
  uint32_t variant_size;  /* sizeof(struct melf_meta_variant)          */
  uint32_t nslots;
  uint32_t slot_size;     /* sizeof(struct melf_meta_slot)             */
  uint32_t variants_off;  /* from the start of this header             */
  uint32_t slots_off;
  uint32_t strtab_off;
  uint32_t strtab_size;
};

/* Parts of an image, in address order, each page-aligned. */
enum melf_part { MELF_PART_TEXT = 0, MELF_PART_RODATA = 1, MELF_PART_DATA = 2,
                 MELF_PART_COUNT = 3 };

struct melf_meta_variant {
  char name[MELF_NAME_MAX]; /* NUL-padded                               */
  uint64_t isa_features;
  uint32_t arch;
  uint32_t flags;           /* MELF_VF_*                                */
  uint64_t image_offset;    /* file offset of the image, page-aligned   */
  uint64_t image_size;      /* == area_end - area_start                 */
  uint64_t part_size[MELF_PART_COUNT]; /* bytes of each part           */
};

struct melf_meta_slot {
  uint64_t addr;            /* link-time vaddr of the slot               */
  uint32_t size;            /* slot size (largest body, aligned)         */
  uint32_t name_off;        /* symbol name in the string table           */
  uint64_t present;         /* bit v: variant v has its own body         */
};

#ifdef __cplusplus
}
#endif

#endif /* MELF_ABI_H */
