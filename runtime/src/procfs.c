/*
 * procfs.c - what libmelf reads from /proc: mappings (stack bounds), the
 * threads of the process, the seccomp state; and the stack scan built on
 * them (melf_check_stack).
 *
 * No allocation and no stdio: a reader is a descriptor and a buffer on the
 * caller's stack, so the switch paths can use these while other threads are
 * held at a safe point (one of them may hold the malloc lock).
 */
#define _GNU_SOURCE
#include "state.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>

int melf_read_char(struct melf_reader *r) {
  if (r->pos == r->len) {
    ssize_t n;
    do
      n = read(r->fd, r->buf, sizeof r->buf);
    while (n < 0 && errno == EINTR);
    if (n <= 0)
      return -1;
    r->len = (size_t)n;
    r->pos = 0;
  }
  return (unsigned char)r->buf[r->pos++];
}

int melf_next_mapping(struct melf_reader *r, uintptr_t *lo, uintptr_t *hi,
                      int *readable) {
  int c;
  uintptr_t v[2] = {0, 0};
  for (int k = 0; k < 2; k++) {
    while ((c = melf_read_char(r)) >= 0) {
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (d < 0)
        break;
      v[k] = v[k] * 16 + (uintptr_t)d;
    }
    if (c < 0)
      return 0;
  }
  c = melf_read_char(r); /* first permission character */
  *readable = c == 'r';
  while (c >= 0 && c != '\n')
    c = melf_read_char(r);
  *lo = v[0];
  *hi = v[1];
  return 1;
}

/* Reads another thread's (stopped) stack or our own: not instrumented. */
__attribute__((no_sanitize("address", "thread", "memory")))
int melf_scan_words(uintptr_t from, uintptr_t to) {
  for (uintptr_t p = (from + 7) & ~(uintptr_t)7; p + 8 <= to; p += 8) {
    uintptr_t w = *(const volatile uintptr_t *)p;
    if (melf_in_area(w))
      return 1;
  }
  return 0;
}

int melf_list_threads(pid_t self, pid_t *tids, int cap) {
  int fd = open("/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  int n = 0;
  char buf[2048] __attribute__((aligned(8)));
  for (;;) {
    long got = syscall(SYS_getdents64, fd, buf, sizeof buf);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      break;
    for (long off = 0; off < got;) {
      unsigned short reclen;
      memcpy(&reclen, buf + off + 16, 2);
      const char *name = buf + off + 19;
      off += reclen;
      if (name[0] < '0' || name[0] > '9')
        continue;
      pid_t t = 0;
      for (const char *c = name; *c >= '0' && *c <= '9'; c++)
        t = t * 10 + (*c - '0');
      if (t == self || melf_emulator_thread(t))
        continue;
      if (n < cap)
        tids[n] = t;
      n++;
    }
  }
  close(fd);
  return n;
}

int melf_seccomp_state(void) {
  struct melf_reader r = {.fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC)};
  if (r.fd < 0)
    return -1;
  const char *key = "Seccomp:";
  int state = -1, k = 0, c, bol = 1;
  while ((c = melf_read_char(&r)) >= 0) {
    if (bol && key[k] == c) {
      if (!key[++k]) {
        do /* skip the blanks after the key */
          c = melf_read_char(&r);
        while (c == ' ' || c == '\t');
        state = c >= '0' && c <= '9' ? c - '0' : -1;
        break;
      }
      continue;
    }
    k = 0;
    bol = c == '\n';
  }
  close(r.fd);
  return state;
}

/* Under the switch lock: the module records melf_scan_words reads are
 * unmapped by dlclose. */
int melf_check_stack(void) {
  melf_lock();
  int rc = melf_check_stack_locked();
  melf_unlock();
  return rc;
}

int melf_check_stack_locked(void) {
  if (!melf_rt.nmods)
    return 0;
  uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
  struct melf_reader r = {.fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC)};
  if (r.fd < 0)
    return MELF_ESYS;
  uintptr_t lo, hi;
  int rdable, res = MELF_ESYS;
  while (melf_next_mapping(&r, &lo, &hi, &rdable))
    if (sp >= lo && sp < hi && rdable) {
      res = melf_scan_words(sp, hi) ? MELF_EUNSAFE : 0;
      break;
    }
  close(r.fd);
  return res;
}
