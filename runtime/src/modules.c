/*
 * modules.c - the MELF modules of the process: the executable and every
 * shared library with metadata (docs/melf-abi.md, "Modules").
 *
 *   dl_iterate_phdr -> each object's PT_MELF_META -> melf_meta_parse()
 *   -> open the object's file, check that it is the running image
 *   -> the module's variants join the process-wide names (melf_rt.var[])
 *   -> views mode: unshare its area; map the process's variant.
 *
 * Start-up scans every loaded object; a library loaded later announces
 * itself from its constructor (the module object, runtime/module/) and
 * leaves from its destructor, both through __melf_module_event. Module
 * records of libraries are anonymous mappings: made when the library
 * loads, unmapped when it unloads, never touched by a switch's allocation.
 */
#define _GNU_SOURCE
#include "state.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>

#define MAX_PHDRS 256

static struct melf_module exe_module = {.fd = -1}; /* never unmapped */

/* ---- Process-wide variants ------------------------------------------------ */

/* The process id of `name`, added at the end if new: ids never change. */
static int intern(const struct melf_variant_rt *v, int local) {
  const char *name = local == 0 ? MELF_DEFAULT_VARIANT : v->name;
  for (int g = 0; g < melf_rt.nvariants; g++)
    if (strcmp(melf_rt.var[g].name, name) == 0)
      return g;
  if (melf_rt.nvariants == MELF_MAX_VARIANTS)
    return -1;
  struct melf_pvariant *p = &melf_rt.var[melf_rt.nvariants];
  memcpy(p->name, name, strlen(name) + 1);
  p->isa = v->isa;
  p->arch = v->arch;
  p->flags = v->flags;
  p->supported = 1;
  return melf_rt.nvariants++;
}

/* Can this CPU run the module's variant `v`? */
static int cpu_can_run(const struct melf_variant_rt *v) {
  return v->arch == 0 || (v->arch == HOST_ARCH && (v->isa & ~melf_rt.cpu) == 0);
}

/* Module ids of the process's variants, and which this CPU can run. */
static void join_variants(struct melf_module *m) {
  const struct melf_layout *l = &m->layout;
  for (int g = 0; g < MELF_MAX_VARIANTS; g++)
    m->local[g] = 0;
  if (m == &exe_module)
    melf_rt.var[0].flags = l->v[0].flags;
  for (uint32_t i = 1; i < l->nvariants; i++) {
    const struct melf_variant_rt *v = &l->v[i];
    int ok = cpu_can_run(v);
    int g = intern(v, (int)i);
    if (g < 0) {
      melf_say("%s: more than %d variant names in the process; its variant "
               "'%s' is not used", m->name, MELF_MAX_VARIANTS, v->name);
      continue;
    }
    if (!ok)
      melf_rt.var[g].supported = 0; /* never run where the CPU lacks it */
    else
      m->local[g] = (unsigned char)i;
  }
}

/* The layout, under MELF_DEBUG. */
static void say_layout(const struct melf_module *m) {
  const struct melf_layout *l = &m->layout;
  DBG("%s%u variants, text part [%p, +%lx), %u slots, load bias %lx", m->label,
      l->nvariants, (void *)(m->bias + l->text_vaddr),
      (unsigned long)l->text_size, l->nslots, (unsigned long)m->bias);
  for (uint32_t i = 1; i < l->nvariants; i++) {
    const struct melf_variant_rt *v = &l->v[i];
    int ok = cpu_can_run(v);
    DBG("  %svariant %u '%s' image at file offset %lx%s", m->label, i, v->name,
        (unsigned long)v->text_off, ok ? "" : " (not supported by this CPU)");
  }
}

/* ---- Opening a module's file ---------------------------------------------- */

/* Is `fd` the running image? Its metadata bytes equal those in memory. */
static int same_image(int fd, const unsigned char *meta, uint64_t size,
                      uint64_t off) {
  unsigned char buf[1024];
  for (uint64_t done = 0; done < size;) {
    size_t k = size - done < sizeof buf ? (size_t)(size - done) : sizeof buf;
    if (pread(fd, buf, k, (off_t)(off + done)) != (ssize_t)k ||
        memcmp(buf, meta + done, k) != 0)
      return 0;
    done += k;
  }
  return 1;
}

/* Opens the file the module's images are mapped from, checked to be the
 * running image by its metadata; or leaves m->fd at -1 with the reason.
 * The executable: /proc/self/exe, else AT_EXECFN (not in secure-execution
 * mode, where it names a file the caller may control); a library: the
 * path the dynamic loader found it at. */
static void open_file(struct melf_module *m, const char *path,
                      const unsigned char *meta, uint64_t size, uint64_t off) {
  const char *paths[2] = {path, 0};
  if (m == &exe_module) {
    paths[0] = "/proc/self/exe";
    paths[1] = melf_secure() ? 0 : (const char *)getauxval(AT_EXECFN);
  }
  int err = 0;
  for (int i = 0; i < 2; i++) {
    if (!paths[i])
      continue;
    int fd = open(paths[i], O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (!err)
        err = errno;
      continue;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && same_image(fd, meta, size, off)) {
      m->fd = fd;
      m->dev = st.st_dev;
      m->ino = st.st_ino;
      DBG("%simages mapped from %s", m->label, paths[i]);
      return;
    }
    close(fd);
    if (!err)
      err = ESTALE;
  }
  const char *e = err == ESTALE ? "not the running image" : strerror(err);
  if (m == &exe_module)
    melf_fmt(m->fd_why, sizeof m->fd_why,
             "the executable cannot be opened (/proc/self/exe, AT_EXECFN: %s)", e);
  else
    melf_fmt(m->fd_why, sizeof m->fd_why, "%s cannot be opened (%s)", m->name, e);
}

/* Text relocations would make the running text differ from the file's. */
static int has_textrel(const struct dl_phdr_info *info) {
  for (int i = 0; i < info->dlpi_phnum; i++) {
    if (info->dlpi_phdr[i].p_type != PT_DYNAMIC)
      continue;
    const ElfW(Dyn) *d =
        (const ElfW(Dyn) *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
    for (; d->d_tag != DT_NULL; d++)
      if (d->d_tag == DT_TEXTREL ||
          (d->d_tag == DT_FLAGS && (d->d_un.d_val & DF_TEXTREL)))
        return 1;
  }
  return 0;
}

/* ---- Finding modules ------------------------------------------------------ */

/* A problem that makes a module run its default code. The executable's
 * is its status (melf_status); a library's is only said. */
static void refuse(int is_exe, const char *name, const char *why) {
  if (is_exe) {
    melf_rt.status = MELF_ECORRUPT;
    melf_fmt(melf_rt.msg, sizeof melf_rt.msg,
             "corrupt MELF metadata: %s; running the default variant", why);
    melf_say("%s", melf_rt.msg);
  } else {
    melf_say("%s: corrupt MELF metadata: %s; the library runs its default "
             "code", name, why);
  }
}

static struct melf_module *find_module(uintptr_t a) {
  for (int i = 0; i < melf_rt.nmods; i++)
    if (a >= melf_rt.mod[i]->lo && a < melf_rt.mod[i]->hi)
      return melf_rt.mod[i];
  return 0;
}

/* Libraries already refused, so that a rescan says nothing twice. */
static struct {
  uintptr_t lo, hi;
} refused[MELF_MAX_MODULES];

/* dl_iterate_phdr callback: the object becomes a module if it has
 * metadata and is not one yet. `data` counts objects (the first is the
 * executable). */
static int add_object(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  int is_exe = (*(int *)data)++ == 0;
  const ElfW(Phdr) *meta_ph = 0;
  uintptr_t lo = UINTPTR_MAX, hi = 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *p = &info->dlpi_phdr[i];
    if (p->p_type == PT_MELF_META)
      meta_ph = p;
    if (p->p_type == PT_LOAD) {
      if (info->dlpi_addr + p->p_vaddr < lo)
        lo = info->dlpi_addr + p->p_vaddr;
      if (info->dlpi_addr + p->p_vaddr + p->p_memsz > hi)
        hi = info->dlpi_addr + p->p_vaddr + p->p_memsz;
    }
  }
  if (!meta_ph || find_module(lo))
    return 0;
  for (int i = 0; i < MELF_MAX_MODULES; i++)
    if (refused[i].lo == lo)
      return 0;
  const char *path = is_exe ? "the executable" : info->dlpi_name;
  if (is_exe)
    melf_rt.status = 0;
  char why[256];
  struct melf_ph ph[MAX_PHDRS];
  const unsigned char *meta =
      (const unsigned char *)(info->dlpi_addr + meta_ph->p_vaddr);
  uint64_t msize = meta_ph->p_filesz;
  long page = sysconf(_SC_PAGESIZE);
  int bad = info->dlpi_phnum > MAX_PHDRS;
  if (bad)
    melf_fmt(why, sizeof why, "too many program headers");
  for (int i = 0; !bad && i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *p = &info->dlpi_phdr[i];
    ph[i] = (struct melf_ph){.type = p->p_type, .flags = p->p_flags,
                             .offset = p->p_offset, .vaddr = p->p_vaddr,
                             .filesz = p->p_filesz, .memsz = p->p_memsz};
  }
  struct melf_module *m = &exe_module;
  if (!is_exe && !bad) {
    void *rec = mmap(0, sizeof *m, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (rec == MAP_FAILED) {
      melf_say("%s: no memory for its module record; the library runs its "
               "default code", path);
      return 0;
    }
    m = rec;
  }
  if (!bad && melf_rt.nmods == MELF_MAX_MODULES) {
    bad = 1;
    melf_fmt(why, sizeof why, "more than %d MELF modules", MELF_MAX_MODULES);
  }
  if (!bad)
    bad = melf_meta_parse(meta, msize, meta_ph->p_vaddr, ph, info->dlpi_phnum,
                          HOST_ARCH, (uint64_t)page, 0, &m->layout, why,
                          sizeof why) != 0;
  if (!bad && has_textrel(info)) {
    bad = 1;
    melf_fmt(why, sizeof why, "%s has text relocations: images cannot be "
             "mapped from the file", is_exe ? "the executable" : "the library");
  }
  m->fd = -1;
  m->bias = info->dlpi_addr;
  melf_fmt(m->name, sizeof m->name, "%s", path);
  m->label[0] = 0;
  if (!is_exe)
    melf_fmt(m->label, sizeof m->label, "%s: ", path);
  if (!bad)
    say_layout(m);
  /* The file: to map images, or for record mode's original bytes. */
  const char *record = is_exe ? melf_env("MELF_RECORD") : 0;
  if (!bad && (m->layout.nvariants > 1 || (record && *record))) {
    open_file(m, info->dlpi_name, meta, msize, meta_ph->p_offset);
    struct stat st;
    if (m->fd >= 0 && fstat(m->fd, &st) == 0 &&
        melf_meta_parse(meta, msize, meta_ph->p_vaddr, ph, info->dlpi_phnum,
                        HOST_ARCH, (uint64_t)page, (uint64_t)st.st_size,
                        &m->layout, why, sizeof why)) {
      close(m->fd);
      m->fd = -1;
      bad = 1;
    } else if (m->fd < 0) {
      DBG("%s", m->fd_why);
    }
  }
  if (bad) {
    refuse(is_exe, path, why);
    for (int i = 0; i < MELF_MAX_MODULES; i++) /* said once per load */
      if (!refused[i].lo) {
        refused[i].lo = lo;
        refused[i].hi = hi;
        break;
      }
    if (m != &exe_module)
      munmap(m, sizeof *m);
    return 0;
  }
  m->lo = lo;
  m->hi = hi;
  m->meta = meta;
  m->text = m->bias + m->layout.text_vaddr;
  m->text_size = m->layout.text_size;
  m->rodata = m->bias + m->layout.rodata_vaddr;
  m->rodata_size = m->layout.rodata_size;
  join_variants(m);
  if (is_exe)
    melf_rt.exe = m;
  melf_rt.mod[melf_rt.nmods++] = m; /* published complete */
  return 0;
}

void melf_scan_modules(void) {
  int n = 0;
  dl_iterate_phdr(add_object, &n);
}

int melf_in_area(uintptr_t a) {
  for (int i = 0; i < melf_rt.nmods; i++)
    if (a - melf_rt.mod[i]->text < melf_rt.mod[i]->text_size)
      return 1;
  return 0;
}

/* ---- Modules loaded and unloaded after start-up ------------------------- */

/* Views mode: a new module's area becomes per view. Where views already
 * exist, each starts with a copy of the base view's mapping (the default
 * image): the calling thread visits each to map its variant's image. */
/* MMVIEW_UNSHARE or MMVIEW_SHARE of the module's parts (text, rodata,
 * view-local data): 0, or -1 with errno set at the first failure. */
static int area_op(const struct melf_module *m, long op) {
  const uintptr_t at[3] = {m->text, m->rodata,
                           m->bias + m->layout.vldata_vaddr};
  const size_t len[3] = {m->text_size, m->rodata_size, m->layout.vldata_size};
  for (int i = 0; i < 3; i++)
    if (len[i] && melf_mmview(op, (long)at[i], (long)len[i]) != 0)
      return -1;
  return 0;
}

static void views_join(struct melf_module *m) {
  if (area_op(m, MMVIEW_UNSHARE) != 0) {
    DBG("%s: its area cannot be made per view (%s): it runs the base "
        "view's image in every view", m->name, strerror(errno));
    return;
  }
  m->per_view = 1;
  if (!melf_module_usable(m))
    return;
  long home = -1;
  for (int g = 1; g < melf_rt.nvariants; g++) {
    if (melf_rt.view_of[g] <= 0 || !m->local[g])
      continue;
    long prev = melf_mmview(MMVIEW_MIGRATE, melf_rt.view_of[g], 0);
    if (prev < 0)
      continue;
    if (home < 0)
      home = prev;
    if (melf_map_module(m, m->local[g]) != 0)
      melf_say("%s: cannot map its '%s' image in view %ld (%s)", m->name,
               melf_rt.var[g].name, melf_rt.view_of[g], strerror(errno));
  }
  if (home >= 0)
    melf_mmview(MMVIEW_MIGRATE, home, 0);
}

int melf_views_unshare_all(void) {
  for (int i = 0; i < melf_rt.nmods; i++) {
    views_join(melf_rt.mod[i]);
    if (!melf_rt.mod[i]->per_view)
      return -1;
  }
  return 0;
}

/* A library loaded after start-up joins in the process's variant (views
 * mode: its area becomes per view if it still can, and the base view maps
 * the process's variant). */
static void module_loaded(void) {
  int before = melf_rt.nmods;
  melf_scan_modules();
  if (melf_rt.nmods == before)
    return;
  if (melf_rt.mode == MELF_MODE_NONE && melf_rt.nvariants > 1) {
    /* The process's first variants: choosing views mode makes every
     * module's area per view, and the process runs the default. */
    melf_choose_mode();
    before = melf_rt.nmods;
  }
  for (int i = 0; i < melf_rt.nvariants; i++)
    _melf_debug.names[i] = melf_rt.var[i].name;
  _melf_debug.nvariants = (uint32_t)melf_rt.nvariants;
  for (int i = before; i < melf_rt.nmods; i++) {
    struct melf_module *m = melf_rt.mod[i];
    if (melf_rt.mode == MELF_MODE_VIEWS)
      views_join(m);
    int id = atomic_load(&melf_process_variant);
    int local = m->local[id];
    if (local && melf_module_usable(m) && melf_map_module(m, local) == 0)
      m->mapped = local;
    DBG("%s loaded: runs '%s'", m->name,
        local ? m->layout.v[local].name : MELF_DEFAULT_VARIANT);
  }
  melf_env_variant_joined();
}

/* The library containing `addr` unloads: forget it (its mappings go with
 * the library). Views mode: its area is shared again first, so that the
 * loader's unmapping reaches every view. */
static void module_unloading(uintptr_t addr) {
  for (int i = 0; i < MELF_MAX_MODULES; i++)
    if (addr >= refused[i].lo && addr < refused[i].hi)
      refused[i].lo = refused[i].hi = 0;
  for (int i = 0; i < melf_rt.nmods; i++) {
    struct melf_module *m = melf_rt.mod[i];
    if (addr < m->lo || addr >= m->hi || m == &exe_module)
      continue;
    for (int j = i; j + 1 < melf_rt.nmods; j++)
      melf_rt.mod[j] = melf_rt.mod[j + 1];
    melf_rt.mod[--melf_rt.nmods] = 0;
    if (m->per_view)
      area_op(m, MMVIEW_SHARE);
    DBG("%s unloaded", m->name);
    if (m->fd >= 0)
      close(m->fd);
    munmap(m, sizeof *m);
    return;
  }
}

/* The runtime's end of the module object (MELF_MODULE_EVENT_SYMBOL). */
__attribute__((visibility("default"))) void
__melf_module_event(int event, const void *addr);
void __melf_module_event(int event, const void *addr) {
  melf_init_once();
  melf_lock();
  if (event == MELF_MODULE_LOADED)
    module_loaded();
  else if (event == MELF_MODULE_UNLOADING)
    module_unloading((uintptr_t)addr);
  melf_unlock();
}

/* This copy's own entry (startup.c: is it the process's runtime?). */
void melf_module_event_here(int event, const void *addr)
    __attribute__((alias("__melf_module_event")));
