/*
 * meta.c - validation of .melf.meta against the program headers.
 *
 * Pure arithmetic on the metadata bytes and the program headers: no system
 * call, no allocation, reads nothing outside [meta, meta + size). Every field
 * is read with memcpy (any alignment). Every check that fails names the field,
 * so a corrupt binary gives one precise message. Shared by the runtime and
 * the libFuzzer target (runtime/fuzz/meta-fuzzer.c).
 */
#include "internal.h"
#include <melf.h>
#include <string.h>

#define PF_X_ 1u
#define PF_W_ 2u
#define PF_R_ 4u
#define PT_LOAD_ 1u

static const char *const part_names[MELF_PART_COUNT] = {"text", "rodata",
                                                        "vldata"};

/*
 * The minimal runtime (runtime/min/) builds this file with MELF_META_MIN:
 *  - FAIL(ID, fmt, ...) writes only the check's short name (MIN_CHECKS),
 *    not the message `fmt` (the messages alone would be larger than that
 *    runtime; `melf-objdump --verify` runs the same checks and prints them);
 *  - only the checks that keep its reads and mappings in bounds run
 *    (#ifndef MELF_META_MIN marks the others): the metadata's place, the
 *    header, the variant table, the text and rodata parts (alignment,
 *    segment, protection), each variant's name, arch, flags and image
 *    (alignment, file, PT_MELF_IMAGE); not the slot, body and string
 *    tables and the view-local part, which it never reads, nor the
 *    consistency checks its choice does not depend on (duplicate names,
 *    part overlap and congruence, the default image's offset, the default
 *    flag, unassigned ISA bits (never supported), the image count);
 *  - records are copied by inline code (no memcpy, strcmp or memset:
 *    each would be one more dynamic symbol in the program), and `out` is
 *    not cleared past the variants it fills;
 *  - `why` must be a buffer (whylen >= 1), written only on failure.
 * Every caller names its message buffer why, whylen.
 */
#define READ(dst, src) COPY(&(dst), (src), sizeof(dst))
#ifdef MELF_META_MIN
#define COPY(dst, src, n) __builtin_memcpy_inline((dst), (src), (n))
/* The short names of the checks it runs, one string: FAIL(ID, ...) passes
 * the index CHECK_ID (an immediate at each check, not an address). */
#define MIN_CHECKS(X) \
  X(ALIGNMENT, "alignment") \
  X(SIZE, "size") \
  X(PT_MELF_META, "PT_MELF_META") \
  X(MAGIC, "magic") \
  X(VERSION, "version") \
  X(HEADER_SIZE, "header_size") \
  X(FLAGS, "flags") \
  X(PAGE_SIZE, "page_size") \
  X(SYSTEM_PAGE_SIZE, "system page size") \
  X(ARCH, "arch") \
  X(NVARIANTS, "nvariants") \
  X(VARIANT_SIZE, "variant_size") \
  X(VARIANT_TABLE, "variant table") \
  X(PART_SIZE, "part size") \
  X(PART_ALIGNMENT, "part alignment") \
  X(PART_WRAPS, "part wraps") \
  X(TEXT_PART, "text part") \
  X(PART_SEGMENT, "part segment") \
  X(PART_PROTECTION, "part protection") \
  X(PART_OFFSET, "part offset") \
  X(IMAGE_ALIGNMENT, "image alignment") \
  X(IMAGE_PAST_EOF, "image past EOF") \
  X(PT_MELF_IMAGE, "PT_MELF_IMAGE") \
  X(IMAGE_RANGE, "image range") \
  X(VARIANT_NAME, "variant name") \
  X(DEFAULT_NAME, "default name") \
  X(VARIANT_ARCH, "variant arch") \
  X(VARIANT_FLAGS, "variant flags") \
  X(NO_IMAGE, "no image")
#define CHECK_ENUM(id, name) CHECK_##id,
#define CHECK_NAME(id, name) name "\0"
enum { MIN_CHECKS(CHECK_ENUM) };
static const char check_names[] = MIN_CHECKS(CHECK_NAME);
#define FAIL(id, ...) fail(why, whylen, CHECK_##id)
static int fail(char *why, size_t len, unsigned check) {
  const char *name = check_names;
  while (check--)
    while (*name++)
      ;
  size_t i = 0;
  for (; name[i] && i + 1 < len; i++)
    why[i] = name[i];
  why[i] = 0;
  return MELF_ECORRUPT;
}
#else
#define COPY(dst, src, n) memcpy((dst), (src), (n))
/* FAIL(ID, fmt, ...): ID names the check in MELF_META_MIN builds. */
#define FAIL(id, ...) fail(why, whylen, __VA_ARGS__)
static int fail(char *why, size_t len, const char *fmt, ...) {
  __builtin_va_list ap;
  __builtin_va_start(ap, fmt);
  if (why && len)
    melf_vfmt(why, len, fmt, ap);
  __builtin_va_end(ap);
  return MELF_ECORRUPT;
}
#endif

/* [a, a+n) inside [b, b+m), without overflow. */
static int inside(uint64_t a, uint64_t n, uint64_t b, uint64_t m) {
  return a >= b && a - b <= m && n <= m - (a - b);
}

static int valid_name(const char *n) {
  size_t len = 0;
  while (len < MELF_NAME_MAX && n[len])
    len++;
  if (melf_check_variant_name(n, len) != MELF_NAME_OK)
    return 0;
  for (size_t i = len; i < MELF_NAME_MAX; i++)
    if (n[i])
      return 0;
  return 1;
}

/* The PT_LOAD that maps [vaddr, vaddr+size) entirely from the file. */
static const struct melf_ph *load_of(const struct melf_ph *ph, int phnum,
                                     uint64_t vaddr, uint64_t size) {
  for (int i = 0; i < phnum; i++)
    if (ph[i].type == PT_LOAD_ && inside(vaddr, size, ph[i].vaddr, ph[i].filesz))
      return &ph[i];
  return 0;
}

static int check_part(const struct melf_meta_part *p, const char *name,
                      uint64_t page, char *why, size_t whylen) {
  (void)name; /* not in MELF_META_MIN's messages */
  if (p->size == 0) {
    if (p->vaddr != 0)
      return FAIL(PART_SIZE, "%s part: address %lx with size 0", name,
                  (unsigned long)p->vaddr);
    return 0;
  }
  if ((p->vaddr | p->size) & (page - 1)) /* page: a power of two */
    return FAIL(PART_ALIGNMENT,
                "%s part [%lx, +%lx) is not page-aligned (page %lu)",
                name, (unsigned long)p->vaddr, (unsigned long)p->size,
                (unsigned long)page);
  if (p->vaddr + p->size < p->vaddr)
    return FAIL(PART_WRAPS, "%s part wraps around", name);
  return 0;
}

/* The header's own fields (the tables come next). */
static int check_header(const struct melf_meta_header *h, uint64_t size,
                        uint32_t expect_arch, uint64_t sys_page, char *why,
                        size_t whylen) {
  if (h->magic != MELF_META_MAGIC)
    return FAIL(MAGIC, "bad metadata magic %x", h->magic);
  if (h->version != MELF_META_VERSION)
    return FAIL(VERSION, "unsupported metadata version %u", h->version);
  if (h->header_size < sizeof *h || h->header_size > size)
    return FAIL(HEADER_SIZE, "bad header_size %u", h->header_size);
  if (h->flags != 0)
    return FAIL(FLAGS, "unknown metadata flags %x", h->flags);
  /* A power of two: nothing above its lowest set bit. */
  if (h->page_size < 4096 ||
      h->page_size >> __builtin_ctz(h->page_size) != 1)
    return FAIL(PAGE_SIZE, "bad page_size %u", h->page_size);
  if (sys_page && h->page_size % sys_page)
    return FAIL(SYSTEM_PAGE_SIZE,
                "metadata page size %u is not a multiple of the system page "
                "size %lu",
                h->page_size, (unsigned long)sys_page);
  if (expect_arch && h->arch != expect_arch)
    return FAIL(ARCH,
                "metadata arch %u does not match this machine (%u)", h->arch,
                expect_arch);
  if (h->nvariants < 1 || h->nvariants > MELF_MAX_VARIANTS)
    return FAIL(NVARIANTS, "bad nvariants %u (1..%u)", h->nvariants,
                MELF_MAX_VARIANTS);
  if (h->variant_size < sizeof(struct melf_meta_variant))
    return FAIL(VARIANT_SIZE, "bad variant_size %u", h->variant_size);
#ifndef MELF_META_MIN
  if (h->slot_size < sizeof(struct melf_meta_slot))
    return FAIL(SLOT_SIZE, "bad slot_size %u", h->slot_size);
#endif
  return 0;
}

/* Tables in order, inside the metadata, without overflow (64-bit sums of
 * 32-bit products). */
static int check_tables(const struct melf_meta_header *h,
                        const unsigned char *m, uint64_t size, char *why,
                        size_t whylen) {
  uint64_t vend =
      (uint64_t)h->variants_off + (uint64_t)h->nvariants * h->variant_size;
  if (h->variants_off < h->header_size || vend > size)
    return FAIL(VARIANT_TABLE, "variant table [%u, +%lu) outside the metadata",
                h->variants_off, (unsigned long)(vend - h->variants_off));
#ifndef MELF_META_MIN
  uint64_t send = (uint64_t)h->slots_off + (uint64_t)h->nslots * h->slot_size;
  uint64_t zend = (uint64_t)h->bodies_off +
                  (uint64_t)h->nslots * h->nvariants *
                      sizeof(struct melf_meta_body);
  uint64_t tend = (uint64_t)h->strtab_off + h->strtab_size;
  if (h->slots_off < vend || send > size)
    return FAIL(SLOT_TABLE_BOUNDS, "slot table (%u slots at %u) outside the metadata",
                h->nslots, h->slots_off);
  if (h->bodies_off < send || zend > size)
    return FAIL(BODY_TABLE_BOUNDS, "body table at %u outside the metadata",
                h->bodies_off);
  if (h->strtab_off < zend || tend > size)
    return FAIL(STRING_TABLE_BOUNDS, "string table [%u, +%u) outside the metadata",
                h->strtab_off, h->strtab_size);
  if (h->strtab_size && m[h->strtab_off + h->strtab_size - 1] != 0)
    return FAIL(STRING_TABLE_END, "string table is not NUL-terminated");
  if (h->nslots && h->strtab_size == 0)
    return FAIL(NO_STRING_TABLE, "slots without a string table");
#else
  (void)m;
#endif
  return 0;
}

/* The text, rodata and vldata parts: aligned, disjoint, each inside a
 * PT_LOAD with the right protection. */
static int check_parts(const struct melf_meta_header *h,
                       const struct melf_ph *ph, int phnum, char *why,
                       size_t whylen) {
  for (int p = 0; p < MELF_PART_COUNT; p++) {
    int r = check_part(&h->parts[p], part_names[p], h->page_size, why, whylen);
    if (r)
      return r;
  }
  if (h->nvariants > 1 && h->parts[MELF_PART_TEXT].size == 0)
    return FAIL(TEXT_PART, "%u variants but no text part", h->nvariants);
#ifndef MELF_META_MIN
  for (int a = 0; a < MELF_PART_COUNT; a++)
    for (int b = a + 1; b < MELF_PART_COUNT; b++)
      if (h->parts[a].size && h->parts[b].size &&
          h->parts[a].vaddr < h->parts[b].vaddr + h->parts[b].size &&
          h->parts[b].vaddr < h->parts[a].vaddr + h->parts[a].size)
        return FAIL(PART_OVERLAP, "%s and %s parts overlap", part_names[a],
                    part_names[b]);
#endif
  /* Each part lies in a PT_LOAD with the right protection. */
  static const uint32_t need[MELF_PART_COUNT] = {PF_R_ | PF_X_, PF_R_,
                                                 PF_R_ | PF_W_};
  for (int p = 0; p < MELF_PART_COUNT; p++) {
    if (!h->parts[p].size)
      continue;
    const struct melf_ph *l =
        load_of(ph, phnum, h->parts[p].vaddr, h->parts[p].size);
    if (!l)
      return FAIL(PART_SEGMENT,
                  "%s part [%lx, +%lx) is not inside a loaded segment",
                  part_names[p], (unsigned long)h->parts[p].vaddr,
                  (unsigned long)h->parts[p].size);
    if ((l->flags & need[p]) != need[p] ||
        (p != MELF_PART_VLDATA && (l->flags & PF_W_)))
      return FAIL(PART_PROTECTION, "%s part is in a segment with wrong protection",
                  part_names[p]);
#ifndef MELF_META_MIN
    if ((l->offset - l->vaddr) % h->page_size)
      return FAIL(PART_CONGRUENCE, "%s part's segment is not page-congruent",
                  part_names[p]);
#endif
  }
  return 0;
}

/* Where variant `v` (already filled in as `r`, from the entry `mv`) keeps
 * its copy of part `p` in the file: the default's is what its PT_LOAD maps,
 * another variant's lies inside that variant's PT_MELF_IMAGE. */
static int check_image_part(const struct melf_meta_header *h,
                            const struct melf_meta_variant *mv,
                            const struct melf_variant_rt *r, uint32_t v, int p,
                            const struct melf_ph *ph, int phnum,
                            uint64_t file_size, char *why, size_t whylen) {
  uint64_t off = mv->part_offset[p], psz = h->parts[p].size;
  if (!psz) {
    if (off)
      return FAIL(PART_OFFSET, "variant '%s': offset of an absent part",
                  mv->name);
    return 0;
  }
  if (off & (h->page_size - 1))
    return FAIL(IMAGE_ALIGNMENT, "variant '%s': %s offset %lx not page-aligned",
                mv->name, part_names[p], (unsigned long)off);
  if (file_size && !inside(off, psz, 0, file_size))
    return FAIL(IMAGE_PAST_EOF,
                "variant '%s': %s image [%lx, +%lx) beyond the end of the "
                "file",
                mv->name, part_names[p], (unsigned long)off,
                (unsigned long)psz);
  if (v == 0) {
#ifndef MELF_META_MIN /* it never maps the default image */
    /* The default copy is what the PT_LOAD maps there. */
    const struct melf_ph *l = load_of(ph, phnum, h->parts[p].vaddr, psz);
    if (off != l->offset + (h->parts[p].vaddr - l->vaddr))
      return FAIL(DEFAULT_OFFSET,
                  "default %s offset %lx is not what its segment maps "
                  "(%lx)",
                  part_names[p], (unsigned long)off,
                  (unsigned long)(l->offset + (h->parts[p].vaddr - l->vaddr)));
#endif
    return 0;
  }
  /* Non-default: inside its PT_MELF_IMAGE (text starts it). */
  const struct melf_ph *img = 0;
  for (int i = 0; i < phnum; i++)
    if (ph[i].type == PT_MELF_IMAGE && ph[i].offset == r->text_off)
      img = &ph[i];
  if (!img)
    return FAIL(PT_MELF_IMAGE, "variant '%s': no PT_MELF_IMAGE at offset %lx",
                mv->name, (unsigned long)r->text_off);
  /* p_vaddr/p_memsz are informational (strip/objcopy rewrite them):
   * only p_offset/p_filesz count (docs/melf-abi.md 4). */
  if (!inside(off, psz, img->offset, img->filesz))
    return FAIL(IMAGE_RANGE,
                "variant '%s': %s image outside its PT_MELF_IMAGE", mv->name,
                part_names[p]);
  return 0;
}

/* Variant table entry `v`: checks it and fills out->v[v] (variants before
 * it are filled already: their names must differ). */
static int check_variant(const struct melf_meta_header *h,
                         const unsigned char *m, uint32_t v,
                         const struct melf_ph *ph, int phnum,
                         uint64_t file_size, struct melf_layout *out,
                         char *why, size_t whylen) {
  struct melf_meta_variant mv;
  READ(mv, m + h->variants_off + (uint64_t)v * h->variant_size);
  struct melf_variant_rt *r = &out->v[v];
  if (!valid_name(mv.name))
    return FAIL(VARIANT_NAME, "variant %u: invalid name", v);
  if ((v == 0) !=
      (memcmp(mv.name, MELF_DEFAULT_VARIANT, sizeof MELF_DEFAULT_VARIANT) == 0))
    return FAIL(DEFAULT_NAME,
                "variant %u: '%s' (variant 0 and only it is '%s')", v, mv.name,
                MELF_DEFAULT_VARIANT);
#ifndef MELF_META_MIN
  for (uint32_t w = 0; w < v; w++)
    if (strcmp(out->v[w].name, mv.name) == 0)
      return FAIL(DUPLICATE_VARIANT, "variant %u: duplicate name '%s'", v, mv.name);
#endif
  if (mv.arch != 0 && mv.arch != h->arch)
    return FAIL(VARIANT_ARCH,
                "variant '%s': arch %u differs from the metadata's", mv.name,
                mv.arch);
  if (mv.flags & ~MELF_VF_KNOWN)
    return FAIL(VARIANT_FLAGS, "variant '%s': unknown flags %x", mv.name,
                mv.flags);
#ifndef MELF_META_MIN
  if ((v == 0) != !!(mv.flags & MELF_VF_DEFAULT))
    return FAIL(MELF_VF_DEFAULT, "variant '%s': MELF_VF_DEFAULT on %s variant",
                mv.name, v == 0 ? "not on the default" : "another");
  if (mv.isa_features & ~melf_isa_assigned(mv.arch))
    return FAIL(ISA_BITS,
                "variant '%s': ISA bits %lx unassigned for arch %u", mv.name,
                (unsigned long)(mv.isa_features & ~melf_isa_assigned(mv.arch)),
                mv.arch);
#endif
#ifndef MELF_META_MIN
  if (mv.part_offset[MELF_PART_VLDATA] != 0)
    return FAIL(VLDATA_OFFSET, "variant '%s': vldata offset must be 0", mv.name);
#endif
  /* name, isa, arch, flags and the text and rodata offsets: the entry's
   * first bytes, in its order (asserted below). */
  COPY(r, &mv, sizeof *r);
  for (int p = MELF_PART_TEXT; p <= MELF_PART_RODATA; p++) {
    int rc = check_image_part(h, &mv, r, v, p, ph, phnum, file_size, why,
                              whylen);
    if (rc)
      return rc;
  }
  if (v > 0 && !r->text_off)
    return FAIL(NO_IMAGE, "variant '%s' has no image", mv.name);
  return 0;
}

#define SAME(a, b)                                                           \
  (offsetof(struct melf_variant_rt, a) == offsetof(struct melf_meta_variant, b))
_Static_assert(SAME(name, name) && SAME(isa, isa_features) &&
                   SAME(arch, arch) && SAME(flags, flags) &&
                   SAME(text_off, part_offset[MELF_PART_TEXT]) &&
                   SAME(rodata_off, part_offset[MELF_PART_RODATA]) &&
                   sizeof(struct melf_variant_rt) ==
                       offsetof(struct melf_meta_variant,
                                part_offset[MELF_PART_RODATA]) +
                           sizeof(uint64_t),
               "struct melf_variant_rt is not the start of the entry");
#undef SAME

#ifndef MELF_META_MIN
/* Slot table entry `s` and its bodies: inside the text part, within the
 * slot. */
static int check_slot(const struct melf_meta_header *h,
                      const unsigned char *m, uint32_t s, char *why,
                      size_t whylen) {
  const struct melf_meta_part *text = &h->parts[MELF_PART_TEXT];
  struct melf_meta_slot sl;
  READ(sl, m + h->slots_off + (uint64_t)s * h->slot_size);
  if (sl.prefix > MELF_MAX_PREFIX)
    return FAIL(SLOT_PREFIX, "slot %u: prefix %u exceeds %u", s, sl.prefix,
                MELF_MAX_PREFIX);
  if (sl.addr < sl.prefix ||
      !inside(sl.addr - sl.prefix, (uint64_t)sl.prefix + sl.size,
              text->vaddr, text->size))
    return FAIL(SLOT_BOUNDS, "slot %u [%lx, +%lu) outside the text part", s,
                (unsigned long)(sl.addr - sl.prefix),
                (unsigned long)sl.prefix + sl.size);
  if (sl.reserved)
    return FAIL(SLOT_RESERVED, "slot %u: reserved field is %x, not zero", s,
                sl.reserved);
  if (sl.name_off >= h->strtab_size)
    return FAIL(SLOT_NAME_OFFSET,
                "slot %u: name offset %u outside the string table", s,
                sl.name_off);
  if (!(sl.present & 1) ||
      (h->nvariants < 64 && (sl.present >> h->nvariants)))
    return FAIL(SLOT_PRESENT_MASK, "slot %u: bad present mask %lx", s,
                (unsigned long)sl.present);
  for (uint32_t v = 0; v < h->nvariants; v++) {
    struct melf_meta_body b;
    READ(b, m + h->bodies_off + ((uint64_t)s * h->nvariants + v) * sizeof b);
    if (b.size > sl.size || b.prefix > sl.prefix)
      return FAIL(BODY_SIZE, "slot %u: body of variant %u (%u+%u bytes) "
                  "exceeds the slot (%u+%u)", s, v, b.prefix, b.size,
                  sl.prefix, sl.size);
  }
  return 0;
}
#endif

int melf_meta_parse(const void *meta, uint64_t size, uint64_t meta_vaddr,
                    const struct melf_ph *ph, int phnum, uint32_t expect_arch,
                    uint64_t sys_page, uint64_t file_size,
                    struct melf_layout *out, char *why, size_t whylen) {
  const unsigned char *m = meta;
#ifndef MELF_META_MIN
  memset(out, 0, sizeof *out);
  if (why && whylen)
    why[0] = 0;
#endif
  if (meta_vaddr % 8)
    return FAIL(ALIGNMENT, "metadata at %lx is not 8-byte aligned",
                (unsigned long)meta_vaddr);
  if (size < sizeof(struct melf_meta_header))
    return FAIL(SIZE, "metadata too small (%lu bytes)",
                (unsigned long)size);
  if (!load_of(ph, phnum, meta_vaddr, size))
    return FAIL(PT_MELF_META, "PT_MELF_META is not inside a loaded segment");

  struct melf_meta_header h;
  READ(h, m);
  int rc = check_header(&h, size, expect_arch, sys_page, why, whylen);
  if (!rc)
    rc = check_tables(&h, m, size, why, whylen);
  if (!rc)
    rc = check_parts(&h, ph, phnum, why, whylen);
  if (rc)
    return rc;

  out->arch = h.arch;
  out->page_size = h.page_size;
  out->nvariants = h.nvariants;
  out->nslots = h.nslots;
  /* text_vaddr, text_size .. vldata_size: the parts in their order. */
  _Static_assert(offsetof(struct melf_layout, vldata_size) -
                         offsetof(struct melf_layout, text_vaddr) +
                         sizeof(uint64_t) ==
                     sizeof h.parts,
                 "struct melf_layout's parts are not in the header's order");
  COPY(&out->text_vaddr, h.parts, sizeof h.parts);
#ifndef MELF_META_MIN
  /* Where the slot records are (the trap message and record mode). */
  out->slots_off = h.slots_off;
  out->slot_size = h.slot_size;
  out->bodies_off = h.bodies_off;
  out->strtab_off = h.strtab_off;
  out->strtab_size = h.strtab_size;

  int nimages = 0;
  for (int i = 0; i < phnum; i++)
    if (ph[i].type == PT_MELF_IMAGE)
      nimages++;
  if (nimages != (int)h.nvariants - 1)
    return FAIL(IMAGE_COUNT,
                "%d PT_MELF_IMAGE headers for %u non-default variants",
                nimages, h.nvariants - 1);
#endif

  for (uint32_t v = 0; v < h.nvariants; v++)
    if ((rc = check_variant(&h, m, v, ph, phnum, file_size, out, why, whylen)))
      return rc;
#ifndef MELF_META_MIN
  for (uint32_t s = 0; s < h.nslots; s++)
    if ((rc = check_slot(&h, m, s, why, whylen)))
      return rc;
#endif
  return 0;
}
