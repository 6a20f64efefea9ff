/*
 * slots.c - reading a module's slots from its metadata in memory: which
 * function an address of the MELF area belongs to, and which image the
 * calling thread runs there. For the trap handler and record mode, so
 * every function here is async-signal-safe: no lock, no allocation, reads
 * of the validated metadata (meta.c checked every slot's bounds and name
 * offset at start-up) and of melf_rt.
 */
#define _GNU_SOURCE
#include "state.h"
#include <string.h>

struct melf_module *melf_module_of_text(uintptr_t a) {
  for (int i = 0; i < melf_rt.nmods; i++) {
    struct melf_module *m = melf_rt.mod[i];
    if (m && a - m->text < m->text_size)
      return m;
  }
  return 0;
}

int melf_slot_get(const struct melf_module *m, uint32_t s, int local,
                  struct melf_slot_info *out) {
  const struct melf_layout *l = &m->layout;
  if (!m->meta || s >= l->nslots || local < 0 || (uint32_t)local >= l->nvariants)
    return -1;
  struct melf_meta_slot sl;
  struct melf_meta_body b;
  memcpy(&sl, m->meta + l->slots_off + (uint64_t)s * l->slot_size, sizeof sl);
  memcpy(&b,
         m->meta + l->bodies_off +
             ((uint64_t)s * l->nvariants + (uint32_t)local) * sizeof b,
         sizeof b);
  out->index = s;
  out->entry = m->bias + sl.addr;
  out->start = out->entry - sl.prefix;
  out->end = out->entry + sl.size;
  out->body_size = b.size;
  out->body_prefix = b.prefix;
  out->name = (const char *)m->meta + l->strtab_off + sl.name_off;
  return 0;
}

int melf_slot_find(const struct melf_module *m, uintptr_t a, int *before,
                   int *after) {
  uintptr_t best_lo = 0, best_hi = UINTPTR_MAX;
  if (before)
    *before = -1;
  if (after)
    *after = -1;
  /* Slots are in input order, not necessarily by address: a linear walk
   * (this runs once, on the way to a fatal message, or once per function
   * in record mode). */
  for (uint32_t s = 0; s < m->layout.nslots; s++) {
    struct melf_slot_info si;
    if (melf_slot_get(m, s, 0, &si) != 0)
      break;
    if (a >= si.start && a < si.end)
      return (int)s;
    if (si.end <= a && si.end > best_lo && before) {
      best_lo = si.end;
      *before = (int)s;
    }
    if (si.start > a && si.start < best_hi && after) {
      best_hi = si.start;
      *after = (int)s;
    }
  }
  return -1;
}

int melf_thread_image(const struct melf_module *m) {
  int g = melf_current_variant();
  if (g < 0 || g >= melf_rt.nvariants)
    return m->mapped;
  /* The base view (and process mode) runs the module's mapped image; a
   * variant's own view runs the module's variant of that name where the
   * area is per view. */
  if (melf_rt.mode != MELF_MODE_VIEWS || g == atomic_load(&melf_process_variant) ||
      !m->per_view)
    return m->mapped;
  return m->local[g];
}

int melf_is_trap_at(uintptr_t a) {
#if defined(__aarch64__)
  uint32_t w;
  memcpy(&w, (const void *)a, sizeof w);
  return w == MELF_AARCH64_TRAP_WORD;
#else
  return *(const volatile unsigned char *)a == MELF_X86_TRAP_BYTE;
#endif
}
