/*
 * record.c - record mode: MELF_RECORD=FILE writes the names of the
 * functions of the executable's MELF area that the process called, one
 * per line: the allow-list `ld.melf --melf-reduce=NAME:FILE` reads
 * (docs/melf-abi.md, "Allow-lists"; docs/runtime.md, "Record mode").
 *
 * The record image: the image the process runs, mapped privately and
 * writable, with the first instruction unit (x86-64: one byte; AArch64:
 * one word) of every function's entry replaced by the trap. The first
 * call of a function traps; the trap handler (trap.c) reads the original
 * unit back from the file, writes it over the trap, notes the slot, and
 * the thread retries the instruction: one trap per function (per image),
 * full speed afterwards. A switch maps a fresh image and arms it again
 * (functions already called stay unarmed). The list is written at exit.
 *
 * What this sees: every function whose entry ran in any thread, also
 * through tail calls, function pointers and callbacks from other code;
 * not functions whose slot is entered elsewhere than at its entry (none
 * in compiled code). Functions that the workload did not reach are not
 * listed: the allow-list is only as good as the training workload.
 */
#define _GNU_SOURCE
#include "state.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>

static struct {
  const struct melf_module *m; /* the executable, while recording        */
  unsigned char *called;       /* one byte per slot (anonymous mapping)   */
  int fd;                      /* FILE, opened at start-up                */
  pid_t pid;                   /* the process that opened it              */
  char pattern[256];           /* MELF_RECORD as given ("%p": the pid)    */
} rec = {.fd = -1};

/* The pattern with %p replaced by the process id (%% is %). */
static void expand(char *out, size_t cap, const char *pat, pid_t pid) {
  size_t n = 0;
  out[0] = 0;
  for (const char *c = pat; *c; c++) {
    if (c[0] == '%' && c[1] == 'p') {
      n = melf_fmt_num(out, cap, n, (uint64_t)pid, 0);
      c++;
    } else {
      char one[2] = {c[0], 0};
      if (c[0] == '%' && c[1] == '%')
        c++;
      n = melf_fmt_str(out, cap, n, one);
    }
  }
}

int melf_record_prot(const struct melf_module *m) {
  return rec.m && m == rec.m ? PROT_WRITE : 0;
}

void melf_record_arm(const struct melf_module *m) {
  if (!rec.m || m != rec.m)
    return;
  for (uint32_t s = 0; s < m->layout.nslots; s++) {
    struct melf_slot_info si;
    if (rec.called[s] || melf_slot_get(m, s, 0, &si) != 0 ||
        melf_is_trap_at(si.entry)) /* removed: it traps for good */
      continue;
#if defined(__aarch64__)
    uint32_t w = MELF_AARCH64_TRAP_WORD;
    memcpy((void *)si.entry, &w, sizeof w);
#else
    *(volatile unsigned char *)si.entry = MELF_X86_TRAP_BYTE;
#endif
  }
  __builtin___clear_cache((char *)m->text, (char *)(m->text + m->text_size));
}

int melf_record_trap(const struct melf_module *m, uintptr_t pc) {
  if (!rec.m || m != rec.m)
    return 0;
  struct melf_slot_info si;
  int s = melf_slot_find(m, pc, 0, 0);
  if (s < 0 || melf_slot_get(m, (uint32_t)s, 0, &si) != 0 || si.entry != pc)
    return 0;
  if (!melf_is_trap_at(pc))
    return 1; /* another thread restored it meanwhile: retry */
  int local = melf_thread_image(m);
  unsigned char orig[MELF_TRAP_UNIT];
  uint64_t off = m->layout.v[local].text_off + (pc - m->text);
  if (pread(m->fd, orig, sizeof orig, (off_t)off) != (ssize_t)sizeof orig)
    return 0;
#if defined(__aarch64__)
  uint32_t w;
  memcpy(&w, orig, sizeof w);
  if (w == MELF_AARCH64_TRAP_WORD)
    return 0; /* removed from this image: a real trap */
#else
  if (orig[0] == MELF_X86_TRAP_BYTE)
    return 0;
#endif
  memcpy((void *)pc, orig, sizeof orig);
  __builtin___clear_cache((char *)pc, (char *)pc + sizeof orig);
  rec.called[s] = 1;
  return 1;
}

/* Writes the list to fd from its start: 0, or -1 with errno set. */
static int write_list(int fd) {
  const struct melf_module *m = rec.m;
  char buf[4096];
  size_t n = 0;
  off_t at = 0;
  if (ftruncate(fd, 0) != 0)
    return -1;
  for (uint32_t s = 0; s < m->layout.nslots; s++) {
    struct melf_slot_info si, t;
    if (!rec.called[s] || melf_slot_get(m, s, 0, &si) != 0 || !si.name[0])
      continue;
    int dup = 0; /* two static functions of one name: one line */
    for (uint32_t u = 0; u < s && !dup; u++)
      dup = rec.called[u] && melf_slot_get(m, u, 0, &t) == 0 &&
            strcmp(t.name, si.name) == 0;
    size_t len = strlen(si.name);
    if (dup || len + 1 > sizeof buf)
      continue;
    if (n + len + 1 > sizeof buf) {
      if (pwrite(fd, buf, n, at) != (ssize_t)n)
        return -1;
      at += (off_t)n;
      n = 0;
    }
    memcpy(buf + n, si.name, len);
    n += len;
    buf[n++] = '\n';
  }
  return n && pwrite(fd, buf, n, at) != (ssize_t)n ? -1 : 0;
}

int melf_record_write(const char *path) {
  if (!rec.m)
    return MELF_EINVAL;
  char out[320];
  int fd = -1, own = 0;
  if (path) {
    expand(out, sizeof out, path, getpid());
    own = 1;
  } else if (getpid() == rec.pid) {
    fd = rec.fd;
    expand(out, sizeof out, rec.pattern, rec.pid);
  } else if (strstr(rec.pattern, "%p")) {
    expand(out, sizeof out, rec.pattern, getpid()); /* a forked child */
    own = 1;
  } else {
    return 0; /* a forked child without %p: the parent writes FILE */
  }
  if (own)
    fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int rc = fd >= 0 && write_list(fd) == 0 ? 0 : MELF_ESYS;
  if (rc)
    melf_say("MELF_RECORD: cannot write %s (%s)", out, strerror(errno));
  if (own && fd >= 0)
    close(fd);
  return rc;
}

void melf_record_start(void) {
  const char *p = melf_env("MELF_RECORD");
  if (!p || !*p)
    return;
  struct melf_module *m = melf_rt.exe;
  if (!m || !m->layout.nslots) {
    melf_say("MELF_RECORD=%s: the executable has no multivariant functions; "
             "nothing to record", p);
    return;
  }
  if (m->fd < 0) {
    melf_say("MELF_RECORD=%s: cannot record: %s", p, m->fd_why);
    return;
  }
  if (strlen(p) >= sizeof rec.pattern) {
    melf_say("MELF_RECORD: the file name is longer than %zu bytes; not "
             "recording", sizeof rec.pattern - 1);
    return;
  }
  char out[320];
  memcpy(rec.pattern, p, strlen(p) + 1);
  rec.pid = getpid();
  expand(out, sizeof out, p, rec.pid);
  rec.fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (rec.fd < 0) {
    melf_say("MELF_RECORD=%s: cannot open %s (%s); not recording", p, out,
             strerror(errno));
    return;
  }
  void *c = mmap(0, m->layout.nslots, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (c == MAP_FAILED) {
    melf_say("MELF_RECORD=%s: no memory; not recording", p);
    return;
  }
  rec.called = c;
  rec.m = m;
  melf_trap_install();
  /* The record image of what the process runs now. */
  if (melf_map_module(m, m->mapped) != 0) {
    melf_say("MELF_RECORD=%s: cannot map the record image (%s); not "
             "recording", p, strerror(errno));
    rec.m = 0;
    melf_map_module(m, m->mapped);
    return;
  }
  DBG("recording the calls of %u functions into %s", m->layout.nslots, out);
}

/* After the program's own destructors (a lower priority runs later). */
__attribute__((destructor(101))) static void record_at_exit(void) {
  if (rec.m)
    melf_record_write(0);
}
