// mmview-test.h - what the static guest tests of the mmview system call
// share: the raw system call, CHECK/EXPECT_ERR, and run(), which runs each
// case in a child process so that views never leak between cases and a
// crash fails that case only. Define TEST_PREFIX ("mmview", ...) before
// including it; a case prints "CASE PASS <prefix>/<name>" or
// "CASE FAIL <prefix>/<name>: <why>".
#ifndef MMVIEW_TEST_H
#define MMVIEW_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "melf/mmview.h"

#ifndef TEST_PREFIX
#error "define TEST_PREFIX before including mmview-test.h"
#endif

__attribute__((unused)) static long mmview(int op, unsigned long a, unsigned long b) {
  return syscall(MELF_SYS_MMVIEW, op, a, b);
}
__attribute__((unused)) static long create(void) { return mmview(MMVIEW_CREATE, 0, 0); }
__attribute__((unused)) static long current_view(void) { return mmview(MMVIEW_CURRENT, 0, 0); }
__attribute__((unused)) static long migrate(long id) { return mmview(MMVIEW_MIGRATE, id, 0); }
__attribute__((unused)) static long delete_view(long id) { return mmview(MMVIEW_DELETE, id, 0); }

// The end of user space in the guests: x86-64 with 4-level page tables,
// arm64 with 48-bit virtual addresses.
#if defined(__aarch64__)
#define USER_END 0x1000000000000UL
#else
#define USER_END 0x800000000000UL
#endif

// The page size (main sets it) and a private anonymous mapping.
__attribute__((unused)) static long page;
__attribute__((unused)) static char *map_anon(size_t len) {
  char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

// Creates a view and moves the calling thread into it.
__attribute__((unused)) static int into_view(void) {
  long v = create();
  return v > 0 && migrate(v) == 0;
}

// Writes @s to the file @path (/proc, /sys): 0, or -1 with errno.
__attribute__((unused)) static int write_file(const char *path, const char *s) {
  int fd = open(path, O_WRONLY);
  if (fd < 0)
    return -1;
  int ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
  close(fd);
  return ok ? 0 : -1;
}

// The number at the start of the file @path, -1 if it cannot be read.
__attribute__((unused)) static long read_long(const char *path) {
  char buf[64] = {0};
  int fd = open(path, O_RDONLY);
  long n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
  if (fd >= 0)
    close(fd);
  return n > 0 ? atol(buf) : -1;
}

// The number after "@key:" on a line of the file @path (/proc/meminfo,
// /proc/self/status: kB), -1 if absent.
__attribute__((unused)) static long field_kb(const char *path, const char *key) {
  FILE *f = fopen(path, "r");
  char line[128];
  long kb = -1;
  size_t n = strlen(key);
  while (f && fgets(line, sizeof line, f))
    if (strncmp(line, key, n) == 0 && line[n] == ':' && sscanf(line + n + 1, "%ld", &kb) == 1)
      break;
  if (f)
    fclose(f);
  return kb;
}
// A /proc/meminfo field in kB ("MemFree", "AnonHugePages"), -1 if absent.
__attribute__((unused)) static long meminfo_kb(const char *key) {
  return field_kb("/proc/meminfo", key);
}
__attribute__((unused)) static long mem_free_kb(void) { return meminfo_kb("MemFree"); }

// The start of a test's main(): the page size, and the mmview system call
// present; otherwise one failed case says so and main() returns 1.
#define MMVIEW_START()                                                         \
  do {                                                                         \
    page = sysconf(_SC_PAGESIZE);                                              \
    if (syscall(MELF_SYS_MMVIEW, MMVIEW_CURRENT) != 0) {                       \
      printf("CASE FAIL " TEST_PREFIX "/syscall-present: %s\n", strerror(errno)); \
      return 1;                                                                \
    }                                                                          \
  } while (0)

static int failures;
static char why[256];
#define CHECK(c, ...)                                                          \
  do {                                                                         \
    if (!(c)) {                                                                \
      snprintf(why, sizeof why, __VA_ARGS__);                                  \
      return 0;                                                                \
    }                                                                          \
  } while (0)
#define EXPECT_ERR(call, err)                                                  \
  do {                                                                         \
    errno = 0;                                                                 \
    long r_ = (long)(call);                                                    \
    CHECK(r_ == -1 && errno == (err), "%s = %ld errno %d (%s), expected %s",   \
          #call, r_, errno, strerror(errno), #err);                            \
  } while (0)

// A case's child that exits with 99 died of an unexpected SIGSEGV (a test
// that probes faults installs a handler that says so).
static void run(const char *name, int (*fn)(void)) {
  why[0] = 0;
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    int ok = fn();
    if (!ok)
      printf("CASE FAIL " TEST_PREFIX "/%s: %s\n", name, why);
    fflush(stdout);
    _exit(ok ? 0 : 1);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
    printf("CASE PASS " TEST_PREFIX "/%s\n", name);
  } else {
    if (!WIFEXITED(st))
      printf("CASE FAIL " TEST_PREFIX "/%s: killed by signal %d\n", name, WTERMSIG(st));
    else if (WEXITSTATUS(st) == 99)
      printf("CASE FAIL " TEST_PREFIX "/%s: unexpected SIGSEGV\n", name);
    failures++;
  }
  fflush(stdout);
}

#endif
