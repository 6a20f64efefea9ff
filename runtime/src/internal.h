/*
 * internal.h - libmelf internals shared by its source files.
 */
#ifndef MELF_INTERNAL_H
#define MELF_INTERNAL_H

#include <melf/abi.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" { /* melf-objdump validates with the parser below */
#endif

#define MELF_HIDDEN __attribute__((visibility("hidden")))

/* ---- Metadata parser (meta.c): pure, no system calls, fuzzable ---------- */

/* The linkage of meta.c's and cpu.c's functions: the minimal runtime
 * compiles them into its own translation unit (runtime/min/unity.c) and
 * makes them static there. */
#ifndef MELF_LOCAL
#define MELF_LOCAL MELF_HIDDEN
#endif

/* One program header, as the parser needs it (link-time values), laid out
 * as Elf64_Phdr: the minimal runtime passes its own program headers as
 * they are (runtime/min/min.c). paddr and align are not read. */
struct melf_ph {
  uint32_t type, flags;
  uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct melf_variant_rt {
  char name[MELF_NAME_MAX];
  uint64_t isa;
  uint32_t arch, flags;
  uint64_t text_off; /* file offset of the variant's text part */
  uint64_t rodata_off;
};

/* What the runtime keeps from a validated .melf.meta (link-time addresses). */
struct melf_layout {
  uint32_t arch, page_size, nvariants, nslots;
  uint64_t text_vaddr, text_size;
  uint64_t rodata_vaddr, rodata_size;
  uint64_t vldata_vaddr, vldata_size;
  /* Where the slot, body and string tables are, from the start of the
   * metadata (trap messages and record mode read slots from memory). */
  uint32_t slots_off, slot_size, bodies_off, strtab_off, strtab_size;
  struct melf_variant_rt v[MELF_MAX_VARIANTS];
};

/*
 * Validates `size` bytes of .melf.meta at `meta` (any alignment) against the
 * program headers `ph[0..phnum)`; `meta_vaddr` is the link-time address of
 * the metadata, `sys_page` the run-time page size (0: only check against the
 * metadata's page size), `file_size` the size of the executable file (0:
 * unknown, not checked). Fills `out` and returns 0, or returns
 * MELF_ECORRUPT with a one-line reason in `why` (no "melf: " prefix).
 * Built with MELF_META_MIN (the minimal runtime, runtime/min/) it runs a
 * subset of the checks and the reason is the check's short name (meta.c).
 */
MELF_LOCAL int melf_meta_parse(const void *meta, uint64_t size,
                               uint64_t meta_vaddr, const struct melf_ph *ph,
                               int phnum, uint32_t expect_arch,
                               uint64_t sys_page, uint64_t file_size,
                               struct melf_layout *out, char *why,
                               size_t whylen);

/* ---- CPU features (cpu.c) ----------------------------------------------- */

/* ISA feature bits of this CPU for the host architecture: enum
 * melf_x86_feature (usable by the OS: XSAVE state enabled) or enum
 * melf_aarch64_feature (from AT_HWCAP/AT_HWCAP2); 0 on other
 * architectures. */
MELF_LOCAL uint64_t melf_cpu_features(void);
/* The AArch64 bits two auxiliary-vector words (AT_HWCAP, AT_HWCAP2) mean;
 * on every host, for tests. */
MELF_LOCAL uint64_t melf_cpu_features_from_hwcap(uint64_t hwcap,
                                                 uint64_t hwcap2);

/* ---- Small helpers (util.c): async-signal-safe ------------------------- */

/* Appends to buf (always NUL-terminated); returns the new length. */
MELF_HIDDEN size_t melf_fmt_str(char *buf, size_t cap, size_t len,
                                const char *s);
MELF_HIDDEN size_t melf_fmt_num(char *buf, size_t cap, size_t len,
                                uint64_t v, int hex);
/* printf-like subset: %s %d %u %x %lx %llu %llx %lu %ld %zu %c %p. */
MELF_HIDDEN size_t melf_vfmt(char *buf, size_t cap, const char *fmt,
                             __builtin_va_list ap);
MELF_HIDDEN size_t melf_fmt(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- Process environment (util.c) ------------------------------------- */

/* Non-zero in secure-execution mode (AT_SECURE: setuid, setgid, file
 * capabilities): libmelf then ignores every MELF_* variable, as the dynamic
 * loader ignores LD_* variables. */
MELF_HIDDEN int melf_secure(void);
/* getenv for MELF_* settings: NULL in secure-execution mode. */
MELF_HIDDEN const char *melf_env(const char *name);
/* mmap(addr, len, prot, MAP_PRIVATE | MAP_FIXED, fd, off) through the raw
 * system call (no interceptor of a sanitizer runtime runs): 0 or -1 with
 * errno set. */
MELF_HIDDEN int melf_sys_mmap_fixed(uintptr_t addr, uint64_t len, int prot,
                                    int fd, uint64_t off);

#ifdef __cplusplus
}
#endif

#endif
