// CREATE under allocation failures (the kernel's fault injection, failslab
// and fail_page_alloc, for this task only): each CREATE either works or
// fails with ENOMEM, a failed one leaves nothing behind (the view limit
// still holds exactly, the memory comes back), and views made afterwards
// work. A static guest test: prints "CASE PASS mmview-inject/<name>" or
// "CASE FAIL mmview-inject/<name>: <why>".
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define TEST_PREFIX "mmview-inject"
#include "mmview-test.h"
#include "linux/mmview.h" /* the kernel's uapi header: MMVIEW_MAX_VIEWS */

// Arms @what (failslab or fail_page_alloc) to fail one allocation of this
// task after @space bytes of allocations.
static int arm(const char *what, long space) {
  char dir[128], path[192], val[32];
  snprintf(dir, sizeof dir, "/sys/kernel/debug/%s", what);
  // task-filter first: until it is set, an armed failure hits any task's
  // allocation, such as the open() of the next file here.
  const char *set[][2] = {{"task-filter", "Y"}, {"probability", "100"}, {"interval", "1"},
                          {"times", "1"}, {"verbose", "0"}, {"ignore-gfp-wait", "N"}};
  for (size_t i = 0; i < sizeof set / sizeof set[0]; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, set[i][0]);
    if (write_file(path, set[i][1]) != 0) {
      printf("note: %s: writing %s: %s\n", what, path, strerror(errno));
      return -1;
    }
  }
  snprintf(path, sizeof path, "%s/min-order", dir);
  write_file(path, "0");  // fail_page_alloc only
  snprintf(path, sizeof path, "%s/space", dir);
  snprintf(val, sizeof val, "%ld", space);
  return write_file(path, val);
}

// One process: CREATEs with one allocation failing at a growing budget,
// until a CREATE gets through; returns how many failed, or -1 (and says
// why on stdout).
static int creates_under(const char *what, int step) {
  int failed = 0;
  setvbuf(stdout, NULL, _IONBF, 0);
  char *shared = map_anon(64 * page), *unshared = map_anon(16 * page);
  if (!shared || !unshared)
    return -1;
  memset(shared, 1, 64 * page);
  memset(unshared, 2, 16 * page);
  if (mmview(MMVIEW_UNSHARE, (unsigned long)unshared, 16 * page) != 0) {
    printf("note: %s: UNSHARE: %s\n", what, strerror(errno));
    return -1;
  }
  // A failure an earlier run left armed (its last CREATE got through
  // without it) would hit this task too, as make-it-fail serves both.
  write_file("/sys/kernel/debug/failslab/times", "0");
  write_file("/sys/kernel/debug/fail_page_alloc/times", "0");
  int fail_fd = open("/proc/self/make-it-fail", O_WRONLY);
  if (fail_fd < 0) {
    printf("note: %s: /proc/self/make-it-fail: %s\n", what, strerror(errno));
    return -1;
  }
  for (long space = 0; space < 200000; space += step) {
    if (arm(what, space) != 0) {
      printf("note: %s: arming: %s\n", what, strerror(errno));
      return -1;
    }
    // The flag is written through a descriptor opened beforehand: opening
    // the file allocates, and the injected failure must hit CREATE.
    pwrite(fail_fd, "1", 1, 0);
    long v = create();
    int err = errno;
    pwrite(fail_fd, "0", 1, 0);
    if (v > 0) {
      if (migrate(v) != 0 || shared[0] != 1 || unshared[0] != 2 || migrate(0) != v ||
          delete_view(v) != 0) {
        printf("note: %s: the view made after %d failures does not work\n", what, failed);
        return -1;
      }
      return failed;
    }
    if (err != ENOMEM) {
      printf("note: %s: CREATE failed with %s at space %ld\n", what, strerror(err), space);
      return -1;
    }
    failed++;
  }
  printf("note: %s: no CREATE got through\n", what);
  return -1;
}

static int t_create_under_failures(void) {
  mkdir("/sys/kernel/debug", 0755);
  if (mount("none", "/sys/kernel/debug", "debugfs", 0, NULL) != 0 && errno != EBUSY)
    CHECK(0, "mount debugfs: %s", strerror(errno));
  // A warm-up run fills caches, then MemFree is compared around the runs.
  const char *what[] = {"failslab", "fail_page_alloc", "failslab"};
  int steps[] = {64, 1, 64};
  long before = 0;
  int total = 0;
  for (int r = 0; r < 3; r++) {
    if (r == 1)
      before = mem_free_kb();
    pid_t pid = fork();
    if (pid == 0) {
      int failed = creates_under(what[r], steps[r]);
      if (failed < 0)
        _exit(201);
      // The limit still holds exactly after the failures.
      int made = 0;
      while (create() > 0)
        made++;
      if (errno != ENOSPC || made != MMVIEW_MAX_VIEWS - 1)
        _exit(202);
      _exit(failed > 100 ? 100 : failed);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) <= 100,
          "%s: status %#x (201: a CREATE failed otherwise than with ENOMEM, or its view did "
          "not work; 202: the view limit moved)", what[r], st);
    total += WEXITSTATUS(st);
  }
  // Some allocation failures are absorbed (a fallback path), so only the
  // sum over the runs must show CREATE failing.
  CHECK(total > 0, "no injected failure made a CREATE fail");
  long after = mem_free_kb();
  CHECK(after >= before - 2048, "MemFree %ld kB before, %ld kB after the failed CREATEs",
        before, after);
  return 1;
}

int main(void) {
  MMVIEW_START();
  run("create-under-allocation-failures", t_create_under_failures);
  return failures != 0;
}
