// MMVIEW_LOCK: a thread locked into its view stays there (no view
// operation but CURRENT), maps no new executable memory, leaves its
// unshared ranges alone, writes no code through /proc/self/mem and cannot
// exec; its threads and children inherit the lock; other threads are free.
// A static guest test: prints "CASE PASS mmview-lock/<name>" or
// "CASE FAIL mmview-lock/<name>: <why>".
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define TEST_PREFIX "mmview-lock"
#include "mmview-test.h"



static long lock_view(void) { return mmview(MMVIEW_LOCK, 0, 0); }

static int t_lock_in_base(void) {
  CHECK(lock_view() == -1 && errno == EINVAL, "LOCK in the base view: %s", strerror(errno));
  return 1;
}

static char *unshared;
static long view_id;

/* Unshares a page, creates a view, moves there and locks. */
static int enter_and_lock(void) {
  unshared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(unshared != MAP_FAILED, "mmap");
  CHECK(mmview(MMVIEW_UNSHARE, (unsigned long)unshared, 4096) == 0, "UNSHARE");
  view_id = create();
  CHECK(view_id > 0 && migrate(view_id) == 0, "CREATE/MIGRATE");
  CHECK(lock_view() == 0, "LOCK: %s", strerror(errno));
  return 1;
}

static int t_view_ops(void) {
  if (!enter_and_lock())
    return 0;
  EXPECT_ERR(migrate(0), EPERM);
  EXPECT_ERR(create(), EPERM);
  EXPECT_ERR(mmview(MMVIEW_DELETE, view_id, 0), EPERM);
  EXPECT_ERR(mmview(MMVIEW_UNSHARE, (unsigned long)unshared + 4096 * 16, 4096), EPERM);
  EXPECT_ERR(mmview(MMVIEW_SHARE, (unsigned long)unshared, 4096), EPERM);
  EXPECT_ERR(mmview(MMVIEW_SWITCH_BASE, 0, 0), EPERM);
  CHECK(mmview(MMVIEW_CURRENT, 0, 0) == view_id, "CURRENT");
  CHECK(lock_view() == 0, "LOCK again");
  return 1;
}

static int t_no_new_code(void) {
  if (!enter_and_lock())
    return 0;
  EXPECT_ERR((long)mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), EPERM);
  char *rw = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(rw != MAP_FAILED, "a data mapping: %s", strerror(errno));
  EXPECT_ERR(mprotect(rw, 4096, PROT_READ | PROT_EXEC), EPERM);
  /* The program's own code: not writable either. */
  char *code = (char *)((unsigned long)&t_no_new_code & ~4095UL);
  EXPECT_ERR(mprotect(code, 4096, PROT_READ | PROT_WRITE | PROT_EXEC), EPERM);
  CHECK(mprotect(rw, 4096, PROT_READ) == 0, "dropping write: %s", strerror(errno));
  int fd = open("/proc/self/mem", O_RDWR);
  CHECK(fd >= 0, "open /proc/self/mem");
  char c;
  CHECK(pread(fd, &c, 1, (off_t)(unsigned long)code) == 1, "reading /proc/self/mem");
  EXPECT_ERR(pwrite(fd, "\xcc", 1, (off_t)(unsigned long)code), EPERM);
  char *argv[] = {"/bin/true", NULL};
  EXPECT_ERR(execve("/bin/true", argv, argv + 1), EPERM);
  return 1;
}

static int t_unshared_ranges_stay(void) {
  if (!enter_and_lock())
    return 0;
  strcpy(unshared, "still writable");
  EXPECT_ERR(munmap(unshared, 4096), EPERM);
  EXPECT_ERR(mprotect(unshared, 4096, PROT_READ), EPERM);
  EXPECT_ERR(madvise(unshared, 4096, MADV_DONTNEED), EPERM);
  EXPECT_ERR((long)mmap(unshared, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), EPERM);
  CHECK(strcmp(unshared, "still writable") == 0, "the unshared page changed");
  return 1;
}

static void *try_migrate(void *arg) {
  *(long *)arg = migrate(0) == -1 && errno == EPERM;
  return NULL;
}

static int t_inherited(void) {
  if (!enter_and_lock())
    return 0;
  pthread_t t;
  long refused = 0;
  pthread_create(&t, NULL, try_migrate, &refused);
  pthread_join(t, NULL);
  CHECK(refused, "a thread of a locked thread migrated");
  pid_t pid = fork();
  if (pid == 0) {
    void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    _exit(p == MAP_FAILED && errno == EPERM ? 0 : 1);
  }
  int st;
  CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
        "a child of a locked thread mapped executable memory");
  return 1;
}

/* Another thread of the process, not locked, is free. */
static void *lock_me(void *arg) {
  long v = (long)arg;
  *(volatile long *)&v = migrate(v) == 0 && lock_view() == 0;
  return (void *)v;
}
static int t_others_free(void) {
  long v = create();
  CHECK(v > 0, "CREATE");
  pthread_t t;
  void *ok;
  pthread_create(&t, NULL, lock_me, (void *)v);
  pthread_join(t, &ok);
  CHECK(ok, "the other thread could not lock");
  CHECK(migrate(v) == 0 && migrate(0) == v, "the unlocked thread cannot migrate: %s",
        strerror(errno));
  void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(p != MAP_FAILED, "the unlocked thread cannot map code: %s", strerror(errno));
  return 1;
}

int main(void) {
  MMVIEW_START();
  run("lock-in-the-base-view-is-einval", t_lock_in_base);
  run("locked-thread-view-operations-eperm", t_view_ops);
  run("locked-thread-maps-no-new-code-and-cannot-exec", t_no_new_code);
  run("locked-thread-keeps-its-unshared-ranges", t_unshared_ranges_stay);
  run("threads-and-children-inherit-the-lock", t_inherited);
  run("other-threads-stay-free", t_others_free);
  return failures != 0;
}
