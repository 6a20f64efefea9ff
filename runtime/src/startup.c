/*
 * startup.c - libmelf's start-up: a constructor, static and dynamic, PIE or
 * not.
 *
 *   dl_iterate_phdr -> the main program's PT_MELF_META -> melf_meta_parse()
 *   -> open the executable (/proc/self/exe, else AT_EXECFN), check that it is
 *   the running image -> CPU features -> mode (probe mmview, MELF_MODE) ->
 *   MELF_VARIANT.
 *
 * This object also defines the shared state (state.h) and __melf_runtime,
 * the symbol a link refers to so that -lmelf brings the constructor in.
 */
#define _GNU_SOURCE
#include "state.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>

#if defined(__x86_64__)
#define HOST_ARCH MELF_ARCH_X86_64
#elif defined(__aarch64__)
#define HOST_ARCH MELF_ARCH_AARCH64
#else
#define HOST_ARCH 0u
#endif

#define MAX_PHDRS 256

/* Defined here, with the constructor that fills them (see state.h: every
 * API object refers to melf_rt, so it brings this object in). */
struct melf_runtime melf_rt = {.nvariants = 1, .fd = -1};
_Atomic int melf_process_variant;
_Atomic int melf_checking;

static int first_object(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  *(struct dl_phdr_info *)data = *info;
  return 1; /* the main program comes first */
}

/* Start-up found the metadata unusable: record and report why. */
static void corrupt(const char *why) {
  melf_rt.status = MELF_ECORRUPT;
  melf_fmt(melf_rt.msg, sizeof melf_rt.msg,
           "corrupt MELF metadata: %s; running the default variant", why);
  melf_say("%s", melf_rt.msg);
}

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

/* Opens the file variant images are mapped from: melf_rt.fd, checked to be
 * the running image by its metadata (`size` bytes at file offset `off`), or
 * -1 and the reason in melf_rt.fd_why. */
static void open_executable(const unsigned char *meta, uint64_t size,
                            uint64_t off) {
  /* AT_EXECFN is the path the caller gave execve: in secure-execution mode
   * (setuid, file capabilities) it names a file the caller may control,
   * so only the kernel's link to the running executable is used. */
  const char *paths[2] = {"/proc/self/exe",
                          melf_secure() ? 0 : (const char *)getauxval(AT_EXECFN)};
  int err = 0;
  for (int i = 0; i < 2 && melf_rt.fd < 0; i++) {
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
      melf_rt.fd = fd;
      melf_rt.dev = st.st_dev;
      melf_rt.ino = st.st_ino;
      DBG("images mapped from %s", paths[i]);
      return;
    }
    close(fd);
    if (!err)
      err = ESTALE;
  }
  melf_rt.fd_errno = err;
  melf_fmt(melf_rt.fd_why, sizeof melf_rt.fd_why,
           "the executable cannot be opened (/proc/self/exe, AT_EXECFN: %s)",
           err == ESTALE ? "not the running image" : strerror(err));
}

/* 1 if the kernel has address-space views; never makes an unknown system
 * call under a seccomp filter. */
static int probe_views(const char **why) {
  int s = melf_seccomp_state();
  if (s != 0) {
    *why = s < 0 ? "seccomp state unknown, not probing"
                 : "seccomp is active, not probing";
    return 0;
  }
  long r = melf_mmview(MMVIEW_CURRENT, 0, 0);
  if (r >= 0) {
    *why = "mmview present";
    return 1;
  }
  *why = errno == ENOSYS ? "no mmview system call (ENOSYS)"
         : errno == EPERM ? "mmview not permitted (EPERM)"
                          : "mmview probe failed";
  return 0;
}

/* Unshares the MELF area (text, rodata and vldata parts) while the process
 * has one view, as the interface requires: 0, or -1 with errno set. */
static int unshare_area(void) {
  uintptr_t vldata = melf_rt.bias + melf_rt.layout.vldata_vaddr;
  if (melf_mmview(MMVIEW_UNSHARE, (long)melf_rt.text,
                  (long)melf_rt.text_size) != 0)
    return -1;
  if (melf_rt.rodata_size &&
      melf_mmview(MMVIEW_UNSHARE, (long)melf_rt.rodata,
                  (long)melf_rt.rodata_size) != 0)
    return -1;
  if (melf_rt.layout.vldata_size &&
      melf_mmview(MMVIEW_UNSHARE, (long)vldata,
                  (long)melf_rt.layout.vldata_size) != 0)
    return -1;
  return 0;
}

/* Views mode if the kernel has views and MELF_MODE does not say process,
 * else process mode. */
static void choose_mode(void) {
  const char *env = melf_env("MELF_MODE"), *why = "";
  int want = MELF_MODE_NONE; /* no mode asked for: probe the kernel */
  if (env && *env) {
    if (!strcmp(env, "process"))
      want = MELF_MODE_PROCESS;
    else if (!strcmp(env, "views"))
      want = MELF_MODE_VIEWS;
    else
      melf_say("MELF_MODE=%s: expected 'process' or 'views'; probing the "
               "kernel", env);
  }
  int views = want == MELF_MODE_PROCESS ? 0 : probe_views(&why);
  if (want == MELF_MODE_VIEWS && !views)
    melf_say("MELF_MODE=views: this kernel has no address-space views (%s); "
             "using process mode",
             why);
  melf_rt.mode = views ? MELF_MODE_VIEWS : MELF_MODE_PROCESS;
  if (views && unshare_area() != 0) {
    melf_say("cannot unshare the MELF area (%s); using process mode",
             strerror(errno));
    melf_rt.mode = MELF_MODE_PROCESS;
  }
  DBG("mode %s (%s)", melf_rt.mode == MELF_MODE_VIEWS ? "views" : "process",
      want == MELF_MODE_PROCESS ? "MELF_MODE=process" : why);
}

/* The forking thread's variant, recorded before fork: in the child the
 * kernel reports view 0 whatever view the parent thread was in. */
static int fork_variant;
static void before_fork(void) { fork_variant = melf_current_variant(); }

static void after_fork_child(void) {
  /* fork gives the child a single view, a copy of the forking thread's. */
  int cur = fork_variant;
  for (int i = 0; i < MELF_MAX_VARIANTS; i++)
    melf_rt.view_of[i] = -1;
  melf_rt.view_of[cur] = 0;
  atomic_store(&melf_process_variant, cur);
  _melf_debug.process_variant = cur;
  _melf_debug.nthreads = 0;
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

/* The metadata is valid: the run-time addresses of the parts, the
 * debugger's copy of the layout, and the variants this CPU can run. */
static void use_layout(void) {
  const struct melf_layout *l = &melf_rt.layout;
  melf_rt.text = melf_rt.bias + l->text_vaddr;
  melf_rt.text_size = l->text_size;
  melf_rt.rodata = melf_rt.bias + l->rodata_vaddr;
  melf_rt.rodata_size = l->rodata_size;
  melf_rt.status = 0;
  melf_rt.nvariants = (int)l->nvariants;
  _melf_debug.text = melf_rt.text;
  _melf_debug.text_size = melf_rt.text_size;
  _melf_debug.rodata = melf_rt.rodata;
  _melf_debug.rodata_size = melf_rt.rodata_size;
  _melf_debug.nvariants = (uint32_t)melf_rt.nvariants;
  for (int i = 0; i < melf_rt.nvariants; i++)
    _melf_debug.names[i] = melf_variant_name(i);
  melf_rt.cpu = melf_cpu_features();
  for (int i = 0; i < melf_rt.nvariants; i++) {
    const struct melf_variant_rt *v = &l->v[i];
    melf_rt.supported[i] = i == 0 || v->arch == 0 ||
                           (v->arch == HOST_ARCH && (v->isa & ~melf_rt.cpu) == 0);
  }
  DBG("%d variants, text part [%p, +%lx), %u slots, load bias %lx",
      melf_rt.nvariants, (void *)melf_rt.text,
      (unsigned long)melf_rt.text_size, l->nslots, (unsigned long)melf_rt.bias);
  for (int i = 0; i < melf_rt.nvariants; i++)
    DBG("  variant %d '%s' image at file offset %lx%s", i, l->v[i].name,
        (unsigned long)l->v[i].text_off,
        melf_rt.supported[i] ? "" : " (not supported by this CPU)");
}

/* Finds and validates the main program's metadata, opens the executable and
 * chooses the mode. On any problem melf_rt says so (status, msg) and the
 * process runs the default variant. */
static void discover(void) {
  struct dl_phdr_info info;
  memset(&info, 0, sizeof info);
  melf_rt.status = MELF_ENOMELF;
  for (int i = 0; i < MELF_MAX_VARIANTS; i++)
    melf_rt.view_of[i] = -1;
  melf_rt.view_of[0] = 0;
  dl_iterate_phdr(first_object, &info);
  const ElfW(Phdr) *meta_ph = 0;
  for (int i = 0; i < info.dlpi_phnum; i++)
    if (info.dlpi_phdr[i].p_type == PT_MELF_META)
      meta_ph = &info.dlpi_phdr[i];
  if (!meta_ph) {
    DBG("no PT_MELF_META: not a MELF executable");
    return;
  }
  if (info.dlpi_phnum > MAX_PHDRS) {
    corrupt("too many program headers");
    return;
  }
  struct melf_ph ph[MAX_PHDRS];
  for (int i = 0; i < info.dlpi_phnum; i++) {
    const ElfW(Phdr) *p = &info.dlpi_phdr[i];
    ph[i] = (struct melf_ph){p->p_type, p->p_flags, p->p_offset,
                             p->p_vaddr, p->p_filesz, p->p_memsz};
  }
  melf_rt.bias = info.dlpi_addr;
  const unsigned char *meta =
      (const unsigned char *)(melf_rt.bias + meta_ph->p_vaddr);
  uint64_t size = meta_ph->p_filesz;
  char why[256];
  long page = sysconf(_SC_PAGESIZE);
  if (melf_meta_parse(meta, size, meta_ph->p_vaddr, ph, info.dlpi_phnum,
                      HOST_ARCH, (uint64_t)page, 0, &melf_rt.layout, why,
                      sizeof why)) {
    corrupt(why);
    return;
  }
  if (has_textrel(&info)) {
    corrupt("the executable has text relocations: images cannot be mapped "
            "from the file");
    return;
  }
  use_layout();
  if (melf_rt.nvariants == 1) {
    melf_rt.mode = MELF_MODE_NONE;
    return;
  }
  open_executable(meta, size, meta_ph->p_offset);
  if (melf_rt.fd >= 0) {
    struct stat st;
    if (fstat(melf_rt.fd, &st) == 0 &&
        melf_meta_parse(meta, size, meta_ph->p_vaddr, ph, info.dlpi_phnum,
                        HOST_ARCH, (uint64_t)page, (uint64_t)st.st_size,
                        &melf_rt.layout, why, sizeof why)) {
      close(melf_rt.fd);
      melf_rt.fd = -1;
      melf_rt.nvariants = 1;
      melf_rt.text_size = 0;
      corrupt(why);
      return;
    }
  } else {
    DBG("%s", melf_rt.fd_why);
  }
  choose_mode();
  _melf_debug.mode = (uint32_t)melf_rt.mode;
  _melf_debug.executable = melf_rt.fd >= 0 ? "/proc/self/exe" : 0;
  _melf_debug_notify();
  pthread_atfork(before_fork, 0, after_fork_child);
}

/* MELF_VARIANT=name|auto: the variant to run from the start. */
static void apply_env_variant(void) {
  const char *want = melf_env("MELF_VARIANT");
  if (!want || !*want)
    return;
  if (melf_rt.status == MELF_ENOMELF) {
    melf_say("MELF_VARIANT=%s: this program has no MELF variants", want);
    return;
  }
  if (melf_rt.status)
    return; /* already reported */
  int id = strcmp(want, "auto") == 0 ? melf_best_variant()
                                      : melf_variant_find(want);
  if (id < 0) {
    char list[256];
    size_t n = 0;
    for (int i = 0; i < melf_rt.nvariants; i++) {
      n = melf_fmt_str(list, sizeof list, n, i ? ", " : "");
      n = melf_fmt_str(list, sizeof list, n, melf_variant_name(i));
    }
    melf_say("MELF_VARIANT=%s: no such variant (this program has: %s); "
             "running the default variant",
             want, list);
    return;
  }
  if (!melf_rt.supported[id]) {
    static const char *const names[] = MELF_X86_FEATURE_NAMES;
    char miss[256];
    size_t n = 0;
    uint64_t lack = melf_rt.layout.v[id].isa & ~melf_rt.cpu;
    for (int b = 0; b < 64; b++)
      if (lack & MELF_BIT(b)) {
        n = melf_fmt_str(miss, sizeof miss, n, n ? "," : "");
        n = melf_fmt_str(miss, sizeof miss, n,
                         b < MELF_X86_FEATURE_COUNT &&
                                 HOST_ARCH == MELF_ARCH_X86_64
                             ? names[b]
                             : "unknown-feature");
      }
    if (!n)
      melf_fmt_str(miss, sizeof miss, 0, "another architecture");
    melf_say("MELF_VARIANT=%s: this CPU lacks %s; running the default variant",
             want, miss);
    return;
  }
  int rc = melf_switch_process(id);
  if (rc && rc != MELF_ENOEXEC) /* ENOEXEC was reported by melf_can_switch */
    melf_say("MELF_VARIANT=%s: %s; running the default variant", want,
             melf_strerror(rc));
  else if (rc == 0)
    DBG("start-up variant '%s' (MELF_VARIANT=%s)", melf_variant_name(id), want);
}

__attribute__((constructor(101))) static void melf_init(void) {
  const char *d = melf_env("MELF_DEBUG");
  melf_rt.debug = d && *d && strcmp(d, "0") != 0;
  const char *c = melf_env("MELF_CHECK");
  atomic_store(&melf_checking, c && *c && strcmp(c, "0") != 0);
  discover();
  apply_env_variant();
}

/* Linking any MELF program with -lmelf pulls this object (and the
 * constructor above) in only if something refers to it: the symbol a linker
 * or compiler can reference for that (e.g. -Wl,-u,__melf_runtime). */
const int __melf_runtime = 1; /* MELF_RUNTIME_SYMBOL */
