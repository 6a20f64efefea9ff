// TLB maintenance of mirror PTEs: a thread that keeps running in a view on
// one CPU, with the mirror PTE of a shared page in its TLB, sees the
// master's change of that page made from the other CPU at once. The change
// clears the view's mirror PTE in the interval notifier, which must flush
// the view's TLB entries (its PCID on x86-64, its ASID on arm64, not the
// master's) on every CPU: without the flush the reader goes on using the old
// translation. Cases: MADV_DONTNEED (the next read must give the new zero
// page, not the old frame), mprotect to read-only (the next write must
// fault), munmap (the next read must fault). A static guest test: prints
// "CASE PASS mmview-tlb/<name>" or "CASE FAIL mmview-tlb/<name>: <why>".
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define TEST_PREFIX "mmview-tlb"
#include "mmview-test.h"

enum change { DONTNEED, READ_ONLY, UNMAP };

static struct {
  volatile int ready, changed;
  volatile int value, faulted, in_view;
  long view;
  volatile int *p;
  enum change what;
} s;
static sigjmp_buf jump;

static void on_segv(int sig) {
  (void)sig;
  siglongjmp(jump, 1);
}

static void pin(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu % sysconf(_SC_NPROCESSORS_ONLN), &set);
  sched_setaffinity(0, sizeof set, &set);
}

// The reader: into the view, touch the page (a write for READ_ONLY, so that
// its mirror PTE is writable), then spin on it without a system call until
// the master has changed it, and look once more.
static void *reader(void *arg) {
  (void)arg;
  pin(1);
  s.in_view = migrate(s.view) == 0 && current_view() == s.view;
  if (s.what == READ_ONLY)
    s.p[0] = 2;
  s.value = s.p[0];
  /* A fault in the loop is the change seen early (UNMAP): fine. */
  if (sigsetjmp(jump, 1) == 0) {
    s.ready = 1;
    while (!s.changed)
      s.value = s.p[0];
    if (s.what == READ_ONLY)
      s.p[0] = 3;
    else
      s.value = s.p[0];
  } else {
    s.faulted = 1;
  }
  return NULL;
}

static int check_change(enum change what) {
  struct sigaction sa = {.sa_handler = on_segv};
  sigaction(SIGSEGV, &sa, NULL);
  memset(&s, 0, sizeof s);
  s.what = what;
  s.p = (volatile int *)map_anon(page);
  CHECK(s.p, "mmap");
  s.p[0] = 1; /* present, writable and dirty in the master */
  s.view = create();
  CHECK(s.view > 0, "CREATE = %ld", s.view);
  pin(0);
  pthread_t t;
  CHECK(pthread_create(&t, NULL, reader, NULL) == 0, "pthread_create");
  while (!s.ready)
    ;
  /* The reader holds the mirror PTE in its TLB and is spinning on it. */
  int rc = what == DONTNEED    ? madvise((void *)s.p, page, MADV_DONTNEED)
           : what == READ_ONLY ? mprotect((void *)s.p, page, PROT_READ)
                               : munmap((void *)s.p, page);
  s.changed = 1;
  pthread_join(t, NULL);
  CHECK(rc == 0, "the change failed: %s", strerror(errno));
  CHECK(s.in_view, "the reader did not enter view %ld", s.view);
  switch (what) {
  case DONTNEED:
    CHECK(!s.faulted && s.value == 0,
          "after MADV_DONTNEED the view read %d (faulted %d), expected 0: a "
          "stale TLB entry of the mirror",
          s.value, s.faulted);
    break;
  case READ_ONLY:
    CHECK(s.faulted, "a write through the view succeeded after mprotect(PROT_READ): "
                     "a stale writable TLB entry (page now %d)", s.p[0]);
    CHECK(s.p[0] == 2, "the page holds %d, expected 2", s.p[0]);
    break;
  case UNMAP:
    CHECK(s.faulted, "the view read %d after munmap: a stale TLB entry", s.value);
    break;
  }
  return 1;
}

// A race each time: 20 tries, each with a new page and a new view.
static int repeat(enum change what) {
  for (int i = 0; i < 20; i++)
    if (!check_change(what))
      return 0;
  return 1;
}
static int t_dontneed(void) { return repeat(DONTNEED); }
static int t_read_only(void) { return repeat(READ_ONLY); }
static int t_unmap(void) { return repeat(UNMAP); }

int main(void) {
  MMVIEW_START();
  run("madv-dontneed-reaches-a-running-view", t_dontneed);
  run("mprotect-read-only-reaches-a-running-view", t_read_only);
  run("munmap-reaches-a-running-view", t_unmap);
  return failures != 0;
}
