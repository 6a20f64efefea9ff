// State Linux keeps per process stays per process with views, although
// each view is an mm of its own: the view limit, dumpability. A static
// guest test: prints "CASE PASS mmview-process/<name>" or
// "CASE FAIL mmview-process/<name>: <why>".
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "melf/mmview.h"
#include "linux/mmview.h" /* the kernel's uapi header: MMVIEW_MAX_VIEWS */

static long mmview(int op, unsigned long a, unsigned long b) {
  return syscall(MELF_SYS_MMVIEW, op, a, b);
}
static long create(void) { return mmview(MMVIEW_CREATE, 0, 0); }
static long migrate(long id) { return mmview(MMVIEW_MIGRATE, id, 0); }

static char why[256];
static int failures;
#define CHECK(c, ...)                                                          \
  do {                                                                         \
    if (!(c)) {                                                                \
      snprintf(why, sizeof why, __VA_ARGS__);                                  \
      return 0;                                                                \
    }                                                                          \
  } while (0)

static void run(const char *name, int (*fn)(void)) {
  why[0] = 0;
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    int ok = fn();
    if (!ok)
      printf("CASE FAIL mmview-process/%s: %s\n", name, why);
    fflush(stdout);
    _exit(ok ? 0 : 1);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
    printf("CASE PASS mmview-process/%s\n", name);
  } else {
    if (!WIFEXITED(st))
      printf("CASE FAIL mmview-process/%s: killed by signal %d\n", name, WTERMSIG(st));
    failures++;
  }
  fflush(stdout);
}

static int write_file(const char *path, const char *s) {
  int fd = open(path, O_WRONLY);
  if (fd < 0)
    return -1;
  int ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
  close(fd);
  return ok ? 0 : -1;
}

// CREATE that fails after the limit check (here: strict overcommit refuses
// to account the copy of an unshared writable range) must not make room
// for more views than MMVIEW_MAX_VIEWS.
static int t_view_limit_after_failed_creates(void) {
  size_t len = 8 << 20;
  char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(p != MAP_FAILED, "mmap");
  CHECK(mmview(MMVIEW_UNSHARE, (unsigned long)p, len) == 0, "UNSHARE");
  CHECK(write_file("/proc/sys/vm/overcommit_ratio", "0") == 0 &&
            write_file("/proc/sys/vm/overcommit_memory", "2") == 0,
        "cannot set strict overcommit");
  int failed = 0;
  for (int i = 0; i < 80; i++)
    if (create() < 0 && errno == ENOMEM)
      failed++;
  write_file("/proc/sys/vm/overcommit_memory", "0");
  write_file("/proc/sys/vm/overcommit_ratio", "50");
  CHECK(failed == 80, "only %d of 80 CREATEs failed under strict overcommit", failed);
  CHECK(munmap(p, len) == 0 || 1, "munmap");
  int made = 0;
  while (create() > 0)
    made++;
  CHECK(errno == ENOSPC && made == MMVIEW_MAX_VIEWS - 1,
        "%d views made after the failures (limit %d, base included), then %s", made,
        MMVIEW_MAX_VIEWS, strerror(errno));
  return 1;
}

// Dumpability is the process's: a change made in the base view holds in
// every view, also one created before it (ptrace and /proc ownership read
// the dumpability of the thread's own mm).
static int t_dumpable_in_every_view(void) {
  long v = create();
  CHECK(v > 0, "CREATE");
  CHECK(prctl(PR_SET_DUMPABLE, 0) == 0, "PR_SET_DUMPABLE");
  CHECK(migrate(v) == 0, "MIGRATE");
  CHECK(prctl(PR_GET_DUMPABLE) == 0, "a view stayed dumpable after PR_SET_DUMPABLE 0");
  CHECK(prctl(PR_SET_DUMPABLE, 1) == 0 && migrate(0) == v, "PR_SET_DUMPABLE from the view");
  CHECK(prctl(PR_GET_DUMPABLE) == 1, "the base missed PR_SET_DUMPABLE 1 from a view");
  long w = create();
  CHECK(w > 0, "CREATE");
  // A privilege drop (root -> nobody) makes the process non-dumpable.
  CHECK(setresuid(65534, 65534, 65534) == 0, "setresuid: %s", strerror(errno));
  CHECK(prctl(PR_GET_DUMPABLE) == 0, "the base is dumpable after the drop");
  CHECK(migrate(w) == 0, "MIGRATE after the drop: %s", strerror(errno));
  CHECK(prctl(PR_GET_DUMPABLE) == 0, "a view stayed dumpable after a privilege drop");
  return 1;
}

int main(void) {
  if (syscall(MELF_SYS_MMVIEW, MMVIEW_CURRENT) != 0) {
    printf("CASE FAIL mmview-process/syscall-present: %s\n", strerror(errno));
    return 1;
  }
  run("view-limit-holds-after-failed-creates", t_view_limit_after_failed_creates);
  run("dumpable-in-every-view", t_dumpable_in_every_view);
  return failures != 0;
}
