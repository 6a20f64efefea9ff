// Guest tests of the mmview system call (kernel/patches): every operation
// and error code, per-view and shared memory, VMA system calls after views
// exist, threads, fork, exec, deletion, futexes and membarrier across views,
// a bounded stress run and memory coming back. Each case prints
// "CASE PASS mmview/<name>" or "CASE FAIL mmview/<name>: <why>"; the
// harness turns those lines into test cases. Exit status 0 = all passed.
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TEST_PREFIX "mmview"
#include "mmview-test.h"
#include "linux/mmview.h" /* the kernel's uapi header, from the patched tree */

_Static_assert(MELF_SYS_MMVIEW == 1000, "published syscall number");
_Static_assert(MMVIEW_CREATE == 0 && MMVIEW_DELETE == 1 && MMVIEW_CURRENT == 2 &&
                   MMVIEW_MIGRATE == 3 && MMVIEW_UNSHARE == 4 && MMVIEW_SHARE == 5 &&
                   MMVIEW_SWITCH_BASE == 6,
               "libmelf's header and the kernel's uapi header agree");



// Faults are probed with a SIGSEGV handler that jumps back.
static __thread sigjmp_buf probe_env;
static __thread volatile int probing;
static void on_segv(int sig) {
  (void)sig;
  if (probing)
    siglongjmp(probe_env, 1);
  _exit(99);
}
static int can_read(volatile char *p) {
  probing = 1;
  if (sigsetjmp(probe_env, 1)) {
    probing = 0;
    return 0;
  }
  (void)*p;
  probing = 0;
  return 1;
}
static int can_write(volatile char *p) {
  probing = 1;
  if (sigsetjmp(probe_env, 1)) {
    probing = 0;
    return 0;
  }
  *p = *p;
  probing = 0;
  return 1;
}

// ---- operations and error codes ----

static int t_ops_without_views(void) {
  CHECK(current_view() == 0, "CURRENT = %ld before any view", current_view());
  CHECK(migrate(0) == 0, "MIGRATE(0) without views");
  EXPECT_ERR(migrate(1), EINVAL);
  EXPECT_ERR(delete_view(0), EPERM);
  EXPECT_ERR(delete_view(3), EINVAL);
  EXPECT_ERR(mmview(7, 0, 0), EINVAL);
  EXPECT_ERR(mmview(-1, 0, 0), EINVAL);
  CHECK(mmview(MMVIEW_SWITCH_BASE, 0, 0) == 0, "SWITCH_BASE without views");
  EXPECT_ERR(mmview(MMVIEW_SHARE, page, page), EINVAL);
  return 1;
}

static int t_unshare_errors(void) {
  char *p = map_anon(4 * page);
  CHECK(p, "mmap");
  EXPECT_ERR(mmview(MMVIEW_UNSHARE, (unsigned long)p + 1, page), EINVAL);
  EXPECT_ERR(mmview(MMVIEW_UNSHARE, (unsigned long)p, 0), EINVAL);
  EXPECT_ERR(mmview(MMVIEW_UNSHARE, (unsigned long)-page, 2 * page), EINVAL);
  EXPECT_ERR(mmview(MMVIEW_UNSHARE, USER_END, page), EINVAL);
  char *s = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  CHECK(s != MAP_FAILED, "mmap shared");
  EXPECT_ERR(mmview(MMVIEW_UNSHARE, (unsigned long)s, page), EACCES);
  CHECK(mmview(MMVIEW_UNSHARE, (unsigned long)p, 2 * page) == 0, "UNSHARE");
  CHECK(mmview(MMVIEW_UNSHARE, (unsigned long)p + page, 2 * page) == 0, "UNSHARE overlapping");
  EXPECT_ERR(mmview(MMVIEW_SHARE, (unsigned long)p + 3 * page, 2 * page), EINVAL);
  CHECK(mmview(MMVIEW_SHARE, (unsigned long)p + page, page) == 0, "SHARE middle");
  long v = create();
  CHECK(v == 1, "CREATE = %ld, expected 1", v);
  /* With views: the same argument checks. */
  EXPECT_ERR(mmview(MMVIEW_UNSHARE, (unsigned long)s, page), EACCES);
  EXPECT_ERR(mmview(MMVIEW_SHARE, (unsigned long)p + 3 * page, 2 * page), EINVAL);
  EXPECT_ERR(mmview(MMVIEW_UNSHARE, (unsigned long)p + 1, page), EINVAL);
  return 1;
}

/* Ranges change while views exist: an unshared range starts in every
 * view as a copy of the base's mappings; shared again, every view sees the
 * base's memory. Also from a thread in a view (as libmelf does for a
 * library loaded late), and with a file mapping replaced in one view. */
static int t_unshare_while_views_exist(void) {
  char *p = map_anon(2 * page);
  CHECK(p, "mmap");
  strcpy(p, "base");
  strcpy(p + page, "tail");
  long v = create();
  migrate(v);
  CHECK(strcmp(p, "base") == 0, "the view's mirror sees '%s'", p);
  migrate(0);
  CHECK(mmview(MMVIEW_UNSHARE, (unsigned long)p, page) == 0, "UNSHARE with a view: %s",
        strerror(errno));
  migrate(v);
  CHECK(strcmp(p, "base") == 0, "the view's copy starts as the base's: '%s'", p);
  strcpy(p, "view");
  strcpy(p + page, "tail-v");
  migrate(0);
  CHECK(strcmp(p, "base") == 0, "the base keeps its own page: '%s'", p);
  CHECK(strcmp(p + page, "tail-v") == 0, "the shared page stays shared: '%s'", p + page);
  long w = create();
  migrate(w);
  CHECK(strcmp(p, "base") == 0, "a later view copies the base: '%s'", p);
  migrate(0);
  CHECK(mmview(MMVIEW_SHARE, (unsigned long)p, page) == 0, "SHARE with views: %s",
        strerror(errno));
  strcpy(p, "shared-again");
  migrate(v);
  CHECK(strcmp(p, "shared-again") == 0, "the view sees '%s' after SHARE", p);
  /* From inside a view: a private file mapping, replaced in one view. */
  char path[] = "/tmp/mmview-fileXXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0, "mkstemp");
  char buf[2 * 4096] = {0};
  strcpy(buf, "image-0");
  strcpy(buf + page, "image-1");
  CHECK(write(fd, buf, 2 * page) == 2 * page, "write");
  char *f = mmap(NULL, page, PROT_READ, MAP_PRIVATE, fd, 0);
  CHECK(f != MAP_FAILED, "mmap file");
  CHECK(mmview(MMVIEW_UNSHARE, (unsigned long)f, page) == 0, "UNSHARE from a view: %s",
        strerror(errno));
  CHECK(mmap(f, page, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, page) == f, "remap in view");
  CHECK(strcmp(f, "image-1") == 0, "the view maps its own image: '%s'", f);
  migrate(w);
  CHECK(strcmp(f, "image-0") == 0, "another view keeps the first image: '%s'", f);
  migrate(0);
  CHECK(strcmp(f, "image-0") == 0, "the base keeps the first image: '%s'", f);
  CHECK(mmview(MMVIEW_SHARE, (unsigned long)f, page) == 0, "SHARE the file range");
  migrate(v);
  CHECK(strcmp(f, "image-0") == 0, "shared again, the view sees the base's: '%s'", f);
  migrate(0);
  unlink(path);
  return 1;
}

static int t_ids_migrate_delete(void) {
  long a = create(), b = create();
  CHECK(a == 1 && b == 2, "CREATE ids %ld %ld, expected 1 2", a, b);
  CHECK(migrate(a) == 0, "MIGRATE(1) returns the previous view 0");
  CHECK(current_view() == 1, "CURRENT = %ld in view 1", current_view());
  CHECK(migrate(b) == 1, "MIGRATE(2) returns 1");
  CHECK(migrate(b) == 2, "MIGRATE to the current view returns it");
  CHECK(migrate(0) == 2, "MIGRATE(0) returns 2");
  CHECK(delete_view(a) == 0, "DELETE(1)");
  EXPECT_ERR(migrate(a), EINVAL);
  EXPECT_ERR(delete_view(a), EINVAL);
  long c = create();
  CHECK(c == 3, "ids are never reused: CREATE = %ld", c);
  EXPECT_ERR(migrate(-5), EINVAL);
  return 1;
}

static int t_view_limit(void) {
  long n = 1, id;  // the base view counts
  while ((id = create()) > 0)
    n++;
  CHECK(errno == ENOSPC, "CREATE failed with errno %d, expected ENOSPC", errno);
  CHECK(n == MMVIEW_MAX_VIEWS, "%ld views before ENOSPC, expected %d", n, MMVIEW_MAX_VIEWS);
  CHECK(delete_view(5) == 0, "DELETE(5)");
  CHECK(create() == MMVIEW_MAX_VIEWS, "a deleted view's slot is free again");
  return 1;
}

static int t_switch_base(void) {
  char *p = map_anon(page);
  CHECK(p && mmview(MMVIEW_UNSHARE, (unsigned long)p, page) == 0, "setup");
  p[0] = 'A';
  long v = create();
  CHECK(migrate(v) == 0, "MIGRATE");
  p[0] = 'B';
  CHECK(mmview(MMVIEW_SWITCH_BASE, 0, 0) == 0, "SWITCH_BASE");
  CHECK(current_view() == 0, "CURRENT after SWITCH_BASE = %ld", current_view());
  EXPECT_ERR(delete_view(0), EPERM);
  CHECK(migrate(v) == 0, "the old base has the switched view's id");
  CHECK(p[0] == 'A', "old base sees '%c'", p[0]);
  CHECK(migrate(0) == v && p[0] == 'B', "new base");
  return 1;
}

// ---- memory ----

static int t_unshared_and_shared(void) {
  char *u = map_anon(page), *s = map_anon(page);
  CHECK(u && s, "mmap");
  CHECK(mmview(MMVIEW_UNSHARE, (unsigned long)u, page) == 0, "UNSHARE");
  strcpy(u, "base");
  strcpy(s, "shared-0");
  long v = create();
  migrate(v);
  CHECK(strcmp(u, "base") == 0, "a new view starts as a copy: '%s'", u);
  strcpy(u, "view");
  strcpy(s, "shared-1");
  migrate(0);
  CHECK(strcmp(u, "base") == 0, "base sees '%s' in its unshared page", u);
  CHECK(strcmp(s, "shared-1") == 0, "shared write from the view not seen: '%s'", s);
  strcpy(s, "shared-2");
  migrate(v);
  CHECK(strcmp(u, "view") == 0 && strcmp(s, "shared-2") == 0, "view sees '%s' '%s'", u, s);
  return 1;
}

struct two {
  char *u;
  _Atomic int phase;
  _Atomic int count;
  long view;
  int ok;
};
static void *two_thread(void *arg) {
  struct two *t = arg;
  migrate(t->view);
  t->ok = current_view() == t->view;
  atomic_store(&t->phase, 1);
  for (int i = 0; i < 200000; i++) {
    if (t->u[0] != 'V')
      t->ok = 0;
    atomic_fetch_add(&t->count, 1);
  }
  while (atomic_load(&t->phase) != 2)
    ;
  return NULL;
}
static int t_two_threads_at_once(void) {
  struct two t = {.u = map_anon(page)};
  CHECK(t.u && mmview(MMVIEW_UNSHARE, (unsigned long)t.u, page) == 0, "setup");
  t.view = create();
  migrate(t.view);
  t.u[0] = 'V';
  migrate(0);
  t.u[0] = 'B';
  pthread_t th;
  pthread_create(&th, NULL, two_thread, &t);
  while (atomic_load(&t.phase) != 1)
    ;
  int bad = 0;
  for (int i = 0; i < 200000; i++) {
    if (t.u[0] != 'B')
      bad++;
    atomic_fetch_add(&t.count, 1);
  }
  atomic_store(&t.phase, 2);
  pthread_join(th, NULL);  // a shared futex (CLONE_CHILD_CLEARTID) across views
  CHECK(!bad && t.ok, "a thread saw the other view's byte (base bad %d, view ok %d)", bad, t.ok);
  CHECK(atomic_load(&t.count) == 400000, "shared counter %d", atomic_load(&t.count));
  return 1;
}

static int t_vma_calls_after_views(void) {
  long v = create();
  migrate(v);
  // mmap from a view is shared.
  char *m = map_anon(4 * page);
  CHECK(m, "mmap in a view");
  strcpy(m, "from-view");
  migrate(0);
  CHECK(strcmp(m, "from-view") == 0, "mmap from a view not seen in base");
  // mprotect from base applies to the view.
  CHECK(mprotect(m, page, PROT_READ) == 0, "mprotect");
  migrate(v);
  CHECK(can_read(m) && !can_write(m), "read-only in the view after mprotect in base");
  CHECK(mprotect(m, page, PROT_READ | PROT_WRITE) == 0 && can_write(m), "mprotect from a view");
  // madvise(DONTNEED) from the view empties it everywhere.
  CHECK(madvise(m, page, MADV_DONTNEED) == 0, "madvise");
  migrate(0);
  CHECK(m[0] == 0, "MADV_DONTNEED from a view: base still sees '%c'", m[0]);
  // mremap from the view.
  strcpy(m + page, "moved");
  migrate(v);
  char *r = mremap(m, 4 * page, 64 * page, MREMAP_MAYMOVE);
  CHECK(r != MAP_FAILED, "mremap from a view: %s", strerror(errno));
  r[40 * page] = 'x';
  migrate(0);
  CHECK(strcmp(r + page, "moved") == 0 && r[40 * page] == 'x', "mremap result in base");
  // munmap from base: the view faults.
  CHECK(munmap(r, 64 * page) == 0, "munmap");
  migrate(v);
  CHECK(!can_read(r + page), "unmapped memory still readable in the view");
  // brk from a view.
  char *b0 = sbrk(0);
  CHECK(sbrk(16 * page) == b0, "sbrk in a view");
  memset(b0, 'h', 16 * page);
  migrate(0);
  CHECK(b0[15 * page] == 'h', "heap grown in a view not seen in base");
  CHECK(sbrk(-(16 * page)) == b0 + 16 * page, "shrinking brk");
  migrate(v);
  CHECK(!can_read(b0 + 8 * page), "shrunk heap still readable in the view");
  return 1;
}

static int t_view_local_mapping(void) {
  char *u = map_anon(4 * page);
  CHECK(u && mmview(MMVIEW_UNSHARE, (unsigned long)u, 4 * page) == 0, "setup");
  memset(u, 'b', 4 * page);
  long v = create();
  migrate(v);
  char *l = mmap(u + page, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                 -1, 0);
  CHECK(l == u + page, "MAP_FIXED inside an unshared range from a view");
  CHECK(l[0] == 0, "fresh view-local page");
  l[0] = 'v';
  CHECK(mprotect(u + 2 * page, page, PROT_READ) == 0, "view-local mprotect");
  CHECK(!can_write(u + 2 * page), "view-local mprotect not applied");
  EXPECT_ERR((long)mmap(u + 3 * page, 2 * page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), EINVAL);
  migrate(0);
  CHECK(u[page] == 'b', "base sees the view's private mapping: '%c'", u[page]);
  CHECK(can_write(u + 2 * page), "base got the view's mprotect");
  // A mapping without MAP_FIXED never lands inside the unshared range.
  migrate(v);
  char *n = mmap(u, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(n != MAP_FAILED && (n < u || n >= u + 4 * page), "hinted mapping placed in the range");
  return 1;
}

static void *report_view(void *arg) {
  *(long *)arg = current_view();
  return NULL;
}
static int t_new_thread_inherits_view(void) {
  long v = create(), seen = -1;
  migrate(v);
  pthread_t th;
  pthread_create(&th, NULL, report_view, &seen);
  pthread_join(th, NULL);
  CHECK(seen == v, "new thread in view %ld, creator in %ld", seen, v);
  return 1;
}

static int t_fork_single_view(void) {
  char *u = map_anon(page);
  CHECK(u && mmview(MMVIEW_UNSHARE, (unsigned long)u, page) == 0, "setup");
  u[0] = 'b';
  long v = create();
  migrate(v);
  u[0] = 'v';
  int fd[2];
  CHECK(pipe(fd) == 0, "pipe");
  pid_t pid = fork();
  if (pid == 0) {
    char r = 'k';
    if (current_view() != 0) r = 'c';
    else if (u[0] != 'v') r = 'u';
    else if (migrate(v) != -1) r = 'm';
    else if (create() != 1) r = 'i';
    write(fd[1], &r, 1);
    _exit(0);
  }
  char r = 0;
  read(fd[0], &r, 1);
  waitpid(pid, NULL, 0);
  CHECK(r == 'k', "child of a view: check '%c' failed (c: not in view 0, u: not a copy of the "
        "view, m: parent's view visible, i: ids not fresh)", r);
  CHECK(u[0] == 'v' && current_view() == v, "parent changed");
  return 1;
}

/* fork from a view honours MADV_WIPEONFORK and MADV_DONTFORK set in the
 * view's unshared range. */
static int t_fork_wipe_and_dontfork(void) {
  char *p = map_anon(3 * page);
  CHECK(p, "mmap");
  CHECK(mmview(MMVIEW_UNSHARE, (unsigned long)p, 3 * page) == 0, "UNSHARE");
  long v = create();
  CHECK(v > 0 && migrate(v) == 0, "CREATE/MIGRATE");
  strcpy(p, "wiped?");
  strcpy(p + page, "dontfork?");
  strcpy(p + 2 * page, "copied");
  CHECK(madvise(p, page, MADV_WIPEONFORK) == 0, "MADV_WIPEONFORK: %s", strerror(errno));
  CHECK(madvise(p + page, page, MADV_DONTFORK) == 0, "MADV_DONTFORK: %s", strerror(errno));
  pid_t pid = fork();
  if (pid == 0)
    _exit(p[0] != 0 ? 2 : can_read(p + page) ? 3 : strcmp(p + 2 * page, "copied") ? 4 : 0);
  int st;
  CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st), "child");
  CHECK(WEXITSTATUS(st) == 0, "the child %s",
        WEXITSTATUS(st) == 2   ? "kept a MADV_WIPEONFORK page's contents"
        : WEXITSTATUS(st) == 3 ? "has a MADV_DONTFORK page"
                               : "lost an ordinary page");
  CHECK(strcmp(p, "wiped?") == 0, "the parent's page changed");
  return 1;
}

static char *self_path;
static int t_exec_drops_views(void) {
  long v = create();
  migrate(v);
  pid_t pid = fork();
  if (pid == 0) {
    // vfork-like: exec straight from the child's (single) view.
    execl(self_path, self_path, "--exec-check", (char *)NULL);
    _exit(3);
  }
  int st;
  waitpid(pid, &st, 0);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exec'd program saw views (status %d)", st);
  // The same from a thread-group sharing the views: vfork from a view.
  pid = vfork();
  if (pid == 0) {
    execl(self_path, self_path, "--exec-check", (char *)NULL);
    _exit(3);
  }
  waitpid(pid, &st, 0);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "vfork+exec from a view (status %d)", st);
  CHECK(current_view() == v, "parent left its view");
  return 1;
}

struct inside {
  long view;
  char *u;
  _Atomic int step;
  int ok;
};
static void *stay_inside(void *arg) {
  struct inside *t = arg;
  migrate(t->view);
  atomic_store(&t->step, 1);
  while (atomic_load(&t->step) != 2)
    ;
  t->ok = t->u[0] == 'v' && current_view() == t->view;
  t->ok &= migrate(0) == t->view;
  return NULL;
}
static int t_delete_while_inside(void) {
  struct inside t = {.u = map_anon(page)};
  CHECK(t.u && mmview(MMVIEW_UNSHARE, (unsigned long)t.u, page) == 0, "setup");
  t.view = create();
  migrate(t.view);
  t.u[0] = 'v';
  migrate(0);
  pthread_t th;
  pthread_create(&th, NULL, stay_inside, &t);
  while (atomic_load(&t.step) != 1)
    ;
  CHECK(delete_view(t.view) == 0, "DELETE with a thread inside");
  EXPECT_ERR(migrate(t.view), EINVAL);
  atomic_store(&t.step, 2);
  pthread_join(th, NULL);
  CHECK(t.ok, "the thread inside lost its view");
  return 1;
}

// A thread that exits while still inside a view deleted under it:
// pthread_join must return (the kernel wakes CLONE_CHILD_CLEARTID waiters
// only while the process has other users, counted on the master).
static void *exit_inside(void *arg) {
  struct inside *t = arg;
  migrate(t->view);
  atomic_store(&t->step, 1);
  while (atomic_load(&t->step) != 2)
    ;
  return NULL;
}
static int t_exit_inside_deleted_view(void) {
  struct inside t = {.view = create()};
  CHECK(t.view > 0, "CREATE");
  pthread_t th;
  CHECK(pthread_create(&th, NULL, exit_inside, &t) == 0, "pthread_create");
  while (atomic_load(&t.step) != 1)
    ;
  CHECK(delete_view(t.view) == 0, "DELETE with a thread inside");
  atomic_store(&t.step, 2);
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += 10;
  int rc = pthread_timedjoin_np(th, NULL, &until);
  CHECK(rc == 0, "pthread_join of a thread that exited in a deleted view: %s",
        strerror(rc));
  return 1;
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int turn;
static void *pingpong(void *arg) {
  migrate((long)arg);
  for (int i = 0; i < 2000; i++) {
    pthread_mutex_lock(&mu);
    while (turn != 1)
      pthread_cond_wait(&cv, &mu);
    turn = 0;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
  }
  return NULL;
}
static int t_futex_across_views(void) {
  long v = create();
  pthread_t th;
  pthread_create(&th, NULL, pingpong, (void *)v);
  for (int i = 0; i < 2000; i++) {
    pthread_mutex_lock(&mu);
    turn = 1;
    pthread_cond_signal(&cv);
    while (turn != 0)
      pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
  }
  pthread_join(th, NULL);
  return 1;
}

/* A private futex inside an unshared range is each view's own: a wake on
 * one view's copy does not wake a waiter on another's. */
struct futex_pair {
  unsigned *word;
  long view;
  long woken, waited;
};
static void *futex_waiter(void *arg) {
  struct futex_pair *f = arg;
  struct timespec ts = {0, 400 * 1000 * 1000};
  migrate(f->view);
  f->waited = syscall(SYS_futex, f->word, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0) == -1 &&
              errno == ETIMEDOUT;
  return NULL;
}
static int t_futex_in_unshared_range(void) {
  unsigned *u = (unsigned *)map_anon(page);
  CHECK(u, "mmap");
  CHECK(mmview(MMVIEW_UNSHARE, (unsigned long)u, page) == 0, "UNSHARE");
  long a = create(), b = create();
  CHECK(a > 0 && b > 0, "CREATE");
  struct futex_pair f = {u, a, 0, 0};
  pthread_t t;
  pthread_create(&t, NULL, futex_waiter, &f);
  struct timespec nap = {0, 100 * 1000 * 1000};
  nanosleep(&nap, NULL);
  migrate(b);
  *u = 1; /* view b's copy */
  f.woken = syscall(SYS_futex, u, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
  pthread_join(t, NULL);
  CHECK(f.woken == 0 && f.waited, "a wake in view b woke %ld waiter(s) in view a%s", f.woken,
        f.waited ? "" : " (which did not time out)");
  return 1;
}

static _Atomic int mb_stop;
static void *spin_in_view(void *arg) {
  migrate((long)arg);
  while (!atomic_load(&mb_stop))
    ;
  return NULL;
}
static int t_membarrier_across_views(void) {
  long v = create();
  pthread_t th;
  pthread_create(&th, NULL, spin_in_view, (void *)v);
  CHECK(syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0,
        "register");
  migrate(v);
  CHECK(syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0,
        "membarrier from a view after registering in base: %s", strerror(errno));
  migrate(0);
  long v2 = create();
  migrate(v2);
  CHECK(syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0,
        "membarrier from a view created after registering");
  atomic_store(&mb_stop, 1);
  pthread_join(th, NULL);
  return 1;
}

// ---- stress ----

#define STRESS_THREADS 4
static _Atomic long shared_adds;
static _Atomic int stress_stop;
static long *counters;  // shared page: one counter per migrating thread
static long views[3];
static void *stress_migrator(void *arg) {
  long id = (long)arg, n = 0;
  unsigned seed = (unsigned)id * 7919u;
  while (!atomic_load(&stress_stop)) {
    migrate(views[rand_r(&seed) % 3]);
    counters[id]++;
    atomic_fetch_add(&shared_adds, 1);
    n++;
  }
  migrate(0);
  return (void *)n;
}
static pthread_mutex_t brk_lock = PTHREAD_MUTEX_INITIALIZER;
static void *stress_mapper(void *arg) {
  (void)arg;
  while (!atomic_load(&stress_stop)) {
    char *m = map_anon(8 * page);
    if (m) {
      memset(m, 1, 8 * page);
      munmap(m, 8 * page);
    }
    pthread_mutex_lock(&brk_lock);  // sbrk itself is not thread-safe
    void *b = sbrk(page);
    if (b != (void *)-1) {
      memset(b, 2, page);
      sbrk(-page);
    }
    pthread_mutex_unlock(&brk_lock);
    pid_t pid = fork();
    if (pid == 0)
      _exit(counters[0] < 0);
    if (pid > 0)
      waitpid(pid, NULL, 0);
  }
  return NULL;
}
static int t_stress(void) {
  counters = (long *)map_anon(page);
  char *u = map_anon(page);
  CHECK(counters && u && mmview(MMVIEW_UNSHARE, (unsigned long)u, page) == 0, "setup");
  views[0] = 0;
  views[1] = create();
  views[2] = create();
  pthread_t m[STRESS_THREADS], mapper[2];
  for (long i = 0; i < STRESS_THREADS; i++)
    pthread_create(&m[i], NULL, stress_migrator, (void *)i);
  for (int i = 0; i < 2; i++)
    pthread_create(&mapper[i], NULL, stress_mapper, NULL);
  struct timespec ts = {2, 0};
  nanosleep(&ts, NULL);
  atomic_store(&stress_stop, 1);
  long total = 0;
  for (int i = 0; i < STRESS_THREADS; i++) {
    void *n;
    pthread_join(m[i], &n);
    CHECK((long)n == counters[i], "thread %d: %ld increments, counter %ld (lost writes)", i,
          (long)n, counters[i]);
    total += (long)n;
  }
  for (int i = 0; i < 2; i++)
    pthread_join(mapper[i], NULL);
  CHECK(total == atomic_load(&shared_adds) && total > 0, "shared adds %ld vs %ld", total,
        atomic_load(&shared_adds));
  return 1;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--exec-check") == 0)
    return current_view() == 0 && migrate(1) == -1 && errno == EINVAL ? 0 : 1;
  self_path = argv[0];
  page = sysconf(_SC_PAGESIZE);
  signal(SIGSEGV, on_segv);
  if (syscall(MELF_SYS_MMVIEW, MMVIEW_CURRENT) != 0) {
    printf("CASE FAIL mmview/syscall-present: mmview(CURRENT) = -1 (%s)\n", strerror(errno));
    return 1;
  }
  run("ops-without-views", t_ops_without_views);
  run("unshare-share-errors", t_unshare_errors);
  run("ids-migrate-delete", t_ids_migrate_delete);
  run("view-limit", t_view_limit);
  run("switch-base", t_switch_base);
  run("unshared-and-shared-memory", t_unshared_and_shared);
  run("unshare-and-share-while-views-exist", t_unshare_while_views_exist);
  run("two-threads-two-views-at-once", t_two_threads_at_once);
  run("mmap-mprotect-madvise-mremap-munmap-brk-after-views", t_vma_calls_after_views);
  run("view-local-mapping", t_view_local_mapping);
  run("new-thread-starts-in-creators-view", t_new_thread_inherits_view);
  run("fork-gives-single-view-copy", t_fork_single_view);
  run("fork-from-a-view-honours-wipeonfork-and-dontfork", t_fork_wipe_and_dontfork);
  run("exec-drops-views", t_exec_drops_views);
  run("delete-while-thread-inside", t_delete_while_inside);
  run("thread-exits-inside-a-deleted-view", t_exit_inside_deleted_view);
  run("private-futex-across-views", t_futex_across_views);
  run("private-futex-in-an-unshared-range-is-per-view", t_futex_in_unshared_range);
  run("membarrier-across-views", t_membarrier_across_views);
  run("stress-migrate-mmap-brk-fork", t_stress);
  return failures != 0;
}
