/*
 * image.c - mapping variant images from the modules' files.
 *
 * A variant's image is mapped over a module's text part (and its rodata
 * part over the rodata part) with MAP_PRIVATE|MAP_FIXED from the
 * descriptor modules.c opened and checked: image pages are shared page
 * cache, and a switch allocates nothing. A process variant g maps, in each
 * module, the module's variant of that name (melf_module.local[g]), or its
 * default image where it has none.
 */
#define _GNU_SOURCE
#include "state.h"
#include <sys/mman.h>
#include <sys/stat.h>

/* Is m->fd still the file the module's scan checked? The program may have
 * closed it, or reused the number for another file. */
static int fd_still_ours(const struct melf_module *m) {
  struct stat st;
  return m->fd >= 0 && fstat(m->fd, &st) == 0 && st.st_dev == m->dev &&
         st.st_ino == m->ino;
}

int melf_module_usable(struct melf_module *m) {
  if (m->layout.nvariants == 1)
    return 0; /* only default code: nothing to map */
  int exe = m == melf_rt.exe;
  if (m->fd < 0) {
    if (!m->fd_reported) {
      m->fd_reported = 1;
      melf_say(exe ? "cannot switch variants: %s; running the default variant"
                   : "cannot switch variants: %s; the library runs its "
                     "default code",
               m->fd_why);
    }
    return 0;
  }
  if (!fd_still_ours(m)) {
    if (!m->fd_reported) {
      m->fd_reported = 1;
      melf_say("the descriptor of %s was closed or replaced by the program; "
               "cannot map variant images", m->name);
    }
    return 0;
  }
  return 1;
}

/* Through the raw system call, not libc's mmap: sanitizer runtimes (TSan,
 * MSan, ...) intercept mmap and update shadow memory for the range, which
 * is neither needed for code nor safe while other threads are stopped at a
 * safe point or run in other views. */
int melf_map_module(struct melf_module *m, int local) {
  const struct melf_variant_rt *v = &m->layout.v[local];
  /* Record mode (record.c): writable too, and its entries armed. */
  if (melf_sys_mmap_fixed(m->text, m->text_size,
                          PROT_READ | PROT_EXEC | melf_record_prot(m), m->fd,
                          v->text_off) != 0)
    return MELF_ESYS;
  if (m->rodata_size &&
      melf_sys_mmap_fixed(m->rodata, m->rodata_size, PROT_READ, m->fd,
                          v->rodata_off) != 0)
    return MELF_ESYS;
  melf_record_arm(m);
  return 0;
}

int melf_map_image(int id, int base) {
  for (int i = 0; i < melf_rt.nmods; i++) {
    struct melf_module *m = melf_rt.mod[i];
    int local = m->local[id];
    if ((base && m->mapped == local) ||
        (melf_rt.mode == MELF_MODE_VIEWS && !base && !m->per_view) ||
        !melf_module_usable(m))
      continue;
    if (melf_map_module(m, local) != 0)
      return MELF_ESYS;
    if (base)
      m->mapped = local;
  }
  return 0;
}

/* Common checks of a switch request (under the switch lock): 0 to go on,
 * 1 when there is nothing to do, or an error. The executable's problems
 * are errors (as when it is the only module); a library's only keep that
 * library on its default code. */
int melf_can_switch(int id) {
  if (melf_rt.nvariants == 1) { /* no module with variants ever loaded */
    if (melf_rt.status == MELF_ENOMELF || melf_rt.status == 0)
      return id == 0 ? 1 : melf_rt.nmods ? MELF_EINVAL : MELF_ENOMELF;
    return melf_rt.status;
  }
  if (id < 0 || id >= melf_rt.nvariants)
    return MELF_EINVAL;
  if (!melf_rt.var[id].supported)
    return MELF_ENOTSUP;
  struct melf_module *exe = melf_rt.exe;
  if (exe && exe->layout.nvariants > 1 && !melf_module_usable(exe))
    return MELF_ENOEXEC;
  return 0;
}
