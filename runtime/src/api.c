/*
 * api.c - the read-only part of the API (include/melf.h): enumeration,
 * status, mode, the calling thread's variant, error texts, checking mode.
 *
 * Every function here is async-signal-safe: it reads melf_rt, which
 * start-up filled before main, or an atomic, or (views mode) asks the
 * kernel for the calling thread's view.
 */
#define _GNU_SOURCE
#include "state.h"
#include <string.h>

/* The fallback of melf_compiled_variant: the MELF pass folds every call to
 * a constant, so only code built without the plugin gets here. */
const char *melf_compiled_variant(void) { return MELF_DEFAULT_VARIANT; }

const char *melf_strerror(int err) {
  switch (err) {
  case 0: return "success";
  case MELF_EINVAL: return "invalid argument (variant id out of range?)";
  case MELF_ENOENT: return "no variant of that name";
  case MELF_ENOTSUP: return "the CPU lacks ISA features the variant requires";
  case MELF_ENOMELF: return "the executable has no MELF variants";
  case MELF_ECORRUPT: return "the MELF metadata is corrupt; running the default variant";
  case MELF_ENOEXEC: return "the executable file cannot be opened to map variant images";
  case MELF_EBUSY: return "other threads could not be brought to a safe point; nothing switched";
  case MELF_ENOVIEWS: return "per-thread switching needs kernel address-space views (mmview), which this kernel lacks";
  case MELF_EUNSAFE: return "the calling thread's stack holds a return address inside the MELF area";
  case MELF_ESYS: return "a system call failed";
  case MELF_ELIMIT: return "too many threads for a process-wide switch";
  case MELF_ELOCKED: return "the calling thread is locked into its view";
  default: return "unknown error";
  }
}

/* ---- Enumeration --------------------------------------------------------- */

int melf_variant_count(void) { return melf_rt.nvariants; }

const char *melf_variant_name(int id) {
  if (id < 0 || id >= melf_rt.nvariants)
    return 0;
  return melf_rt.var[id].name;
}

int melf_variant_find(const char *name) {
  if (!name)
    return MELF_EINVAL;
  for (int i = 0; i < melf_rt.nvariants; i++)
    if (strcmp(name, melf_variant_name(i)) == 0)
      return i;
  return MELF_ENOENT;
}

int melf_variant_supported(int id) {
  if (id < 0 || id >= melf_rt.nvariants)
    return MELF_EINVAL;
  return id == 0 ? 1 : melf_rt.var[id].supported;
}

int melf_variant_flags(int id) {
  if (id < 0 || id >= melf_rt.nvariants)
    return MELF_EINVAL;
  return id == 0 ? (int)(melf_rt.var[0].flags | MELF_VF_DEFAULT)
                 : (int)melf_rt.var[id].flags;
}

int melf_best_variant(void) {
  int best = 0, bestn = 0;
  uint64_t cpus = melf_rt.nvariants > 1 ? melf_thread_features() : 0;
  for (int i = 1; i < melf_rt.nvariants; i++) {
    const struct melf_pvariant *v = &melf_rt.var[i];
    if (!v->supported || !v->isa || (v->isa & ~cpus) ||
        (v->flags & (MELF_VF_ASAN | MELF_VF_OPTNONE | MELF_VF_SIZE)))
      continue;
    int n = __builtin_popcountll(v->isa);
    if (n > bestn) {
      best = i;
      bestn = n;
    }
  }
  return best;
}

/* ---- State --------------------------------------------------------------- */

int melf_mode(void) { return melf_rt.mode; }
int melf_status(void) { return melf_rt.status; }
const char *melf_status_message(void) {
  return melf_rt.msg[0] ? melf_rt.msg : 0;
}

int melf_set_check(int on) {
  return atomic_exchange(&melf_checking, on ? 1 : 0);
}

int melf_current_variant(void) {
  if (melf_rt.mode == MELF_MODE_VIEWS) {
    long v = melf_mmview(MMVIEW_CURRENT, 0, 0);
    if (v > 0)
      for (int i = 0; i < melf_rt.nvariants; i++)
        if (melf_rt.view_of[i] == v)
          return i;
  }
  return atomic_load(&melf_process_variant);
}

/* ---- Modules ------------------------------------------------------------- */

int melf_module_count(void) {
  melf_lock();
  int n = melf_rt.nmods;
  melf_unlock();
  return n;
}

int melf_module_info(int index, struct melf_module_info *out) {
  if (!out)
    return MELF_EINVAL;
  melf_lock();
  int rc = MELF_EINVAL;
  if (index >= 0 && index < melf_rt.nmods) {
    const struct melf_module *m = melf_rt.mod[index];
    memset(out, 0, sizeof *out);
    melf_fmt(out->name, sizeof out->name, "%s", m->name);
    out->is_executable = m == melf_rt.exe;
    out->base = m->bias;
    out->area = m->text;
    out->area_size = m->text_size;
    out->nvariants = (int)m->layout.nvariants;
    for (int g = 0; g < melf_rt.nvariants; g++)
      if (g == 0 || m->local[g])
        out->variants |= 1ull << g;
    out->usable = m->layout.nvariants > 1 && m->fd >= 0;
    int local = m->mapped;
    out->variant = 0;
    for (int g = 1; g < melf_rt.nvariants; g++)
      if (local && m->local[g] == local)
        out->variant = g;
    rc = 0;
  }
  melf_unlock();
  return rc;
}
