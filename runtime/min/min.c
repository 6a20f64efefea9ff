/*
 * min.c - libmelf_min, the minimal MELF runtime (docs/runtime.md, "The
 * minimal runtime"), for programs that only choose their variant at
 * start-up: a constructor reads MELF_VARIANT=<name|auto> (ignored in
 * secure-execution mode), validates the executable's metadata with the
 * runtime's own validator (meta.c, built with MELF_META_MIN), checks that
 * /proc/self/exe (else AT_EXECFN) is the running image and maps the chosen
 * variant's image over the MELF area from it, once, before main.
 *
 * Nothing else: no API, no later switches, no views, no shared-library
 * modules, no debug log. No stdio, no allocation (the validated layout
 * lives on the constructor's stack), no unwind tables, no libc function:
 * system calls are raw (sys.h), the environment and the auxiliary vector
 * come from the constructor's arguments (each libc import would be one
 * more dynamic symbol, relocation and version in the program). Without
 * MELF_VARIANT it does nothing at all.
 */
#define _GNU_SOURCE
#include "state.h" /* HOST_ARCH, the validator's interface */
#include "sys.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <stddef.h>
#include <sys/mman.h>

#define MSG_MAX 400

/* Defined by the runtime of instrumented variants, if linked
 * (MELF_VARIANT_HOOK_SYMBOL, docs/melf-abi.md "Instrumented variants"). */
extern void __melf_variant_changed(int scope, uint32_t flags)
    __attribute__((weak, visibility("hidden")));

/* The executable's ELF header (defined by the linker). */
extern const ElfW(Ehdr) __ehdr_start __attribute__((visibility("hidden")));

static size_t put(char *buf, size_t n, const char *s) {
  while (*s && n < MSG_MAX - 1)
    buf[n++] = *s++;
  return n;
}

/* "melf: " a b c "; running the default variant", one line on standard
 * error: every problem leaves the program on its default code. */
__attribute__((noinline)) static void say(const char *a, const char *b,
                                          const char *c) {
  char buf[MSG_MAX];
  const char *s[5] = {"melf: ", a, b, c, "; running the default variant"};
  size_t n = 0;
  for (int i = 0; i < 5; i++)
    n = put(buf, n, s[i]);
  buf[n++] = '\n';
  SYS3(SYS_write, 2, buf, n);
}

/* `s` past `prefix`, or 0 if it does not start with it. */
static const char *after(const char *s, const char *prefix) {
  while (*prefix)
    if (*s++ != *prefix++)
      return 0;
  return s;
}

static int streq(const char *a, const char *b) {
  const char *t = after(a, b);
  return t && !*t;
}

/* Entry `type` of the auxiliary vector `a`, 0 if absent. */
static uintptr_t auxval(const uintptr_t *a, uintptr_t type) {
  for (; a[0] != AT_NULL; a += 2)
    if (a[0] == type)
      return a[1];
  return 0;
}

/* Is `fd` the running image? Its metadata bytes equal those in memory. */
static int same_image(long fd, const unsigned char *meta, uint64_t size,
                      uint64_t off) {
  unsigned char buf[512];
  for (uint64_t done = 0; done < size;) {
    uint64_t k = size - done < sizeof buf ? size - done : sizeof buf;
    if (melf_min_sys(SYS_pread64, fd, (long)buf, (long)k, (long)(off + done),
                     0, 0) != (long)k)
      return 0;
    for (uint64_t i = 0; i < k; i++)
      if (buf[i] != meta[done++])
        return 0;
  }
  return 1;
}

/* The executable's file, checked to be the running image (its size in
 * *fsize), or -1: /proc/self/exe, else `execfn` (AT_EXECFN, 0 if absent:
 * the kernel refuses the null path; only outside secure-execution mode,
 * which the caller knows). */
static long open_exe(const unsigned char *meta, const ElfW(Phdr) *mp,
                     const char *execfn, uint64_t *fsize) {
  const char *paths[2] = {"/proc/self/exe", execfn};
  for (int i = 0; i < 2; i++) {
    long fd = SYS3(SYS_openat, AT_FDCWD, paths[i], O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      continue;
    long end = SYS3(SYS_lseek, fd, 0, SEEK_END);
    if (end > 0 && same_image(fd, meta, mp->p_filesz, mp->p_offset)) {
      *fsize = (uint64_t)end;
      return fd;
    }
    SYS3(SYS_close, fd, 0, 0);
  }
  return -1;
}

/* Text relocations would make the running text differ from the file's. */
static int has_textrel(const ElfW(Phdr) *ph, int phnum, uintptr_t bias) {
  for (int i = 0; i < phnum; i++) {
    if (ph[i].p_type != PT_DYNAMIC)
      continue;
    for (const ElfW(Dyn) *d = (const ElfW(Dyn) *)(bias + ph[i].p_vaddr);
         d->d_tag != DT_NULL; d++)
      if (d->d_tag == DT_TEXTREL ||
          (d->d_tag == DT_FLAGS && (d->d_un.d_val & DF_TEXTREL)))
        return 1;
  }
  return 0;
}

/* `auto`: the ISA-only variant (no asan/debug/size flag) that requires the
 * most features this CPU has; 0 if none (as melf_best_variant). */
static uint32_t best_variant(const struct melf_layout *l, uint64_t cpu) {
  uint32_t best = 0;
  int bestn = 0;
  for (uint32_t i = 1; i < l->nvariants; i++) {
    const struct melf_variant_rt *v = &l->v[i];
    int n = 0;
    for (uint64_t x = v->isa; x; x &= x - 1)
      n++;
    if (v->isa && !(v->isa & ~cpu) && n > bestn &&
        !(v->flags & (MELF_VF_ASAN | MELF_VF_OPTNONE | MELF_VF_SIZE))) {
      best = i;
      bestn = n;
    }
  }
  return best;
}

/* Maps variant `v`'s text and rodata parts over the area: 0 or -1. The
 * layout keeps each part's address and size, and each variant's offsets,
 * side by side (asserted below). */
static int map_image(const struct melf_layout *l, uintptr_t bias, long fd,
                     uint32_t v) {
  const uint64_t *part = &l->text_vaddr, *off = &l->v[v].text_off;
  for (int p = 0; p < 2; p++) {
    uintptr_t at = bias + part[2 * p];
    if (part[2 * p + 1] &&
        melf_min_sys(SYS_mmap, (long)at, (long)part[2 * p + 1],
                     p ? PROT_READ : PROT_READ | PROT_EXEC,
                     MAP_PRIVATE | MAP_FIXED, fd, (long)off[p]) != (long)at)
      return -1;
  }
  return 0;
}
#define NEXT(s, a, b) (offsetof(s, b) == offsetof(s, a) + sizeof(uint64_t))
_Static_assert(NEXT(struct melf_layout, text_vaddr, text_size) &&
                   NEXT(struct melf_layout, text_size, rodata_vaddr) &&
                   NEXT(struct melf_layout, rodata_vaddr, rodata_size) &&
                   NEXT(struct melf_variant_rt, text_off, rodata_off),
               "map_image reads the layout as arrays");
#undef NEXT

/* The validator reads the program headers in place (struct melf_ph is laid
 * out as Elf64_Phdr). */
_Static_assert(sizeof(struct melf_ph) == sizeof(ElfW(Phdr)) &&
                   offsetof(struct melf_ph, flags) ==
                       offsetof(ElfW(Phdr), p_flags) &&
                   offsetof(struct melf_ph, offset) ==
                       offsetof(ElfW(Phdr), p_offset) &&
                   offsetof(struct melf_ph, vaddr) ==
                       offsetof(ElfW(Phdr), p_vaddr) &&
                   offsetof(struct melf_ph, filesz) ==
                       offsetof(ElfW(Phdr), p_filesz) &&
                   offsetof(struct melf_ph, memsz) ==
                       offsetof(ElfW(Phdr), p_memsz),
               "struct melf_ph is not laid out as ElfW(Phdr)");

/* Chooses and maps the variant MELF_VARIANT names; `aux`: the auxiliary
 * vector. */
static void start(const char *want, const uintptr_t *aux) {
  const ElfW(Ehdr) *eh = &__ehdr_start;
  const ElfW(Phdr) *phdr =
      (const ElfW(Phdr) *)((const char *)eh + eh->e_phoff);
  int phnum = eh->e_phnum;
  const ElfW(Phdr) *mp = 0;
  uintptr_t bias = 0;
  long fd = -1;
  char why[24], tail[MSG_MAX];
  const char *bad = why, *msg = 0; /* msg: what MELF_VARIANT=want met */
  struct melf_layout l;
  for (int i = 0; i < phnum; i++) {
    const ElfW(Phdr) *p = &phdr[i];
    if (p->p_type == PT_MELF_META)
      mp = p;
    if (p->p_type == PT_LOAD && p->p_offset == 0)
      bias = (uintptr_t)eh - p->p_vaddr; /* this segment maps the header */
  }
  if (!mp) {
    msg = ": this program has no MELF variants";
    goto out;
  }
  if (has_textrel(phdr, phnum, bias)) {
    bad = "text relocations";
    goto corrupt;
  }
  const unsigned char *meta = (const unsigned char *)(bias + mp->p_vaddr);
  uint64_t fsize = 0;
  /* Validated from memory first (before reading anything it points at),
   * then once more against the size of the file the images come from. */
  for (;;) {
    if (melf_meta_parse(meta, mp->p_filesz, mp->p_vaddr,
                        (const struct melf_ph *)phdr, phnum, HOST_ARCH,
                        auxval(aux, AT_PAGESZ), fsize, &l, why, sizeof why))
      goto corrupt;
    if (fd >= 0 || (fd = open_exe(meta, mp, (const char *)auxval(aux, AT_EXECFN),
                                  &fsize)) < 0)
      break;
  }
#ifdef __aarch64__
  uint64_t cpu = melf_cpu_features_from_hwcap(auxval(aux, AT_HWCAP),
                                              auxval(aux, AT_HWCAP2));
#else
  uint64_t cpu = melf_cpu_features();
#endif
  uint32_t id = 0;
  if (streq(want, "auto")) {
    id = best_variant(&l, cpu);
  } else {
    while (id < l.nvariants && !streq(want, l.v[id].name))
      id++;
    if (id == l.nvariants) {
      size_t n = put(tail, 0, ": no such variant (this program has: ");
      for (uint32_t i = 0; i < l.nvariants; i++)
        n = put(tail, put(tail, n, i ? ", " : ""), l.v[i].name);
      tail[put(tail, n, ")")] = 0;
      msg = tail;
      id = 0;
    } else if (l.v[id].arch && (l.v[id].isa & ~cpu)) {
      msg = ": this CPU cannot run it";
      id = 0;
    }
  }
  if (id && fd < 0)
    msg = ": cannot open the executable";
  else if (id && map_image(&l, bias, fd, id))
    msg = ": cannot map its image";
  else if (id && __melf_variant_changed) /* the MELF ASan runtime, if any */
    __melf_variant_changed(MELF_HOOK_BASE, l.v[id].flags);
  goto out;
corrupt:
  say("corrupt MELF metadata: ", bad, "");
out:
  if (msg)
    say("MELF_VARIANT=", want, msg);
  SYS3(SYS_close, fd, 0, 0); /* -1: EBADF, harmless */
}

/* glibc calls the executable's constructors with argc, argv and the
 * environment (libc-start.c's call_init), on every architecture. The
 * auxiliary vector follows the initial environment on the process stack:
 * argv[argc] is NULL, the initial environment array and its NULL come
 * next, then the vector. It is reached through argv, which nothing moves
 * (setenv may have replaced the environment array by then; unsetenv on the
 * initial array moves its NULL up, leaving NULL words before the vector,
 * whose first type is never AT_NULL). Without AT_PAGESZ (the vector was not
 * found) it does nothing, as in secure-execution mode. */
__attribute__((constructor(101))) static void
melf_min_init(int argc, char **argv, char **envp) {
  char **p = argv + argc + 1;
  while (*p)
    p++;
  while (!*p)
    p++;
  const uintptr_t *aux = (const uintptr_t *)p;
  if (!auxval(aux, AT_PAGESZ) || auxval(aux, AT_SECURE))
    return;
  /* MELF_VARIANT, the first definition (as getenv); ignored in
   * secure-execution mode (AT_SECURE: as secure_getenv). */
  for (; envp && *envp; envp++) {
    const char *v = after(*envp, "MELF_VARIANT=");
    if (v) {
      if (*v)
        start(v, aux);
      return;
    }
  }
}

/* The symbol every MELF link refers to (MELF_RUNTIME_SYMBOL), so that the
 * constructor is linked in; hidden: an executable exports nothing of the
 * minimal runtime. */
__attribute__((visibility("hidden"))) const int __melf_runtime = 1;
