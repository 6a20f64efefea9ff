/*
 * sys.c - libmelf's view of its process: secure-execution mode, MELF_*
 * settings, messages on standard error, and the raw system calls that must
 * not go through a sanitizer runtime's interceptors.
 */
#define _GNU_SOURCE
#include "state.h"
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

int melf_secure(void) { return getauxval(AT_SECURE) != 0; }

const char *melf_env(const char *name) {
  /* secure_getenv is glibc's getenv that answers NULL under AT_SECURE. */
  return secure_getenv(name);
}

int melf_sys_mmap_fixed(uintptr_t addr, uint64_t len, int prot, int fd,
                        uint64_t off) {
  long r = syscall(SYS_mmap, addr, len, prot, MAP_PRIVATE | MAP_FIXED, fd, off);
  if (r == -1)
    return -1;
  return (uintptr_t)r == addr ? 0 : (errno = EFAULT, -1);
}

/* write(2), no stdio, no allocation: async-signal-safe. */
void melf_say(const char *fmt, ...) {
  char buf[512];
  size_t n = melf_fmt_str(buf, sizeof buf, 0, "melf: ");
  va_list ap;
  va_start(ap, fmt);
  n += melf_vfmt(buf + n, sizeof buf - n - 1, fmt, ap);
  va_end(ap);
  buf[n++] = '\n';
  int e = errno;
  (void)!write(2, buf, n);
  errno = e;
}
