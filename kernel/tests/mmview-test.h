// mmview-test.h - what the static guest tests of the mmview system call
// share: the raw system call, CHECK/EXPECT_ERR, and run(), which runs each
// case in a child process so that views never leak between cases and a
// crash fails that case only. Define TEST_PREFIX ("mmview", ...) before
// including it; a case prints "CASE PASS <prefix>/<name>" or
// "CASE FAIL <prefix>/<name>: <why>".
#ifndef MMVIEW_TEST_H
#define MMVIEW_TEST_H

#include <errno.h>
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
