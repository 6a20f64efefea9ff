// Kernel code that reaches a process's memory for it works when the thread
// asking is in a view: long-term pins (io_uring fixed buffers), io_uring's
// madvise, process_madvise, move_pages, and NUMA balancing of memory a
// view uses. A static guest test: prints "CASE PASS mmview-gup/<name>" or
// "CASE FAIL mmview-gup/<name>: <why>".
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <linux/io_uring.h>
#include <linux/mempolicy.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define TEST_PREFIX "mmview-gup"
#include "mmview-test.h"

// A minimal io_uring: one submission at a time, waited for.
struct ring {
  int fd;
  unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
  struct io_uring_sqe *sqes;
  struct io_uring_cqe *cqes;
};

static int ring_init(struct ring *r) {
  struct io_uring_params p;
  memset(&p, 0, sizeof p);
  r->fd = syscall(SYS_io_uring_setup, 4, &p);
  if (r->fd < 0)
    return 0;
  size_t sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
  size_t cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
  char *sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
                  IORING_OFF_SQ_RING);
  char *cq = mmap(NULL, cq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
                  IORING_OFF_CQ_RING);
  r->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
                 MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
  if (sq == MAP_FAILED || cq == MAP_FAILED || r->sqes == MAP_FAILED)
    return 0;
  r->sq_tail = (unsigned *)(sq + p.sq_off.tail);
  r->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
  r->sq_array = (unsigned *)(sq + p.sq_off.array);
  r->cq_head = (unsigned *)(cq + p.cq_off.head);
  r->cq_tail = (unsigned *)(cq + p.cq_off.tail);
  r->cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
  r->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
  return 1;
}

// Submits @sqe and returns its completion's result (or -1000 - errno).
static int ring_run(struct ring *r, const struct io_uring_sqe *sqe) {
  unsigned tail = *r->sq_tail, i = tail & *r->sq_mask;
  r->sqes[i] = *sqe;
  r->sq_array[i] = i;
  __atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
  if (syscall(SYS_io_uring_enter, r->fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
    return -1000 - errno;
  unsigned head = *r->cq_head;
  if (head == __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE))
    return -2000;
  int res = r->cqes[head & *r->cq_mask].res;
  __atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
  return res;
}

// IORING_OP_MADVISE from a view runs on the process (in an io-wq worker,
// which shares the submitter's view).
static int t_io_uring_madvise(void) {
  char *p = map_anon(page);
  struct ring r;
  CHECK(p, "mmap");
  p[0] = 'x';
  CHECK(into_view() && p[0] == 'x', "into a view");
  CHECK(ring_init(&r), "io_uring_setup: %s", strerror(errno));
  struct io_uring_sqe sqe = {.opcode = IORING_OP_MADVISE, .addr = (unsigned long)p,
                             .len = page, .fadvise_advice = MADV_DONTNEED};
  int res = ring_run(&r, &sqe);
  CHECK(res == 0, "IORING_OP_MADVISE(MADV_DONTNEED) from a view: %d", res);
  CHECK(migrate(0) > 0, "MIGRATE 0");
  CHECK(p[0] == 0, "IORING_OP_MADVISE from a view: the process still reads %d", p[0]);
  return 1;
}

// Fixed buffers are pinned long-term (FOLL_LONGTERM): registering a heap
// buffer from a view pins the process's pages, and a READ_FIXED into it is
// what the base view reads.
static int t_io_uring_fixed_buffer(void) {
  char *buf = map_anon(page);
  int fds[2];
  struct ring r;
  CHECK(buf && pipe(fds) == 0, "mmap, pipe");
  buf[0] = 1;
  CHECK(into_view(), "into a view");
  CHECK(ring_init(&r), "io_uring_setup: %s", strerror(errno));
  struct iovec iov = {buf, page};
  CHECK(syscall(SYS_io_uring_register, r.fd, IORING_REGISTER_BUFFERS, &iov, 1) == 0,
        "IORING_REGISTER_BUFFERS of a heap buffer from a view: %s", strerror(errno));
  CHECK(write(fds[1], "pinned", 6) == 6, "write");
  struct io_uring_sqe sqe = {.opcode = IORING_OP_READ_FIXED, .fd = fds[0],
                             .addr = (unsigned long)buf, .len = 6, .buf_index = 0};
  int res = ring_run(&r, &sqe);
  CHECK(res == 6, "READ_FIXED: %d", res);
  CHECK(memcmp(buf, "pinned", 6) == 0, "the view reads '%.6s'", buf);
  CHECK(migrate(0) > 0, "MIGRATE 0");
  CHECK(memcmp(buf, "pinned", 6) == 0, "the base view reads '%.6s'", buf);
  return 1;
}

// process_madvise on the process whose (only) thread is in a view.
static int t_process_madvise(void) {
  char *p = map_anon(4 * page);
  CHECK(p, "mmap");
  memset(p, 'c', 4 * page);
  int pidfd = syscall(SYS_pidfd_open, getpid(), 0);
  CHECK(pidfd >= 0, "pidfd_open: %s", strerror(errno));
  CHECK(into_view() && p[0] == 'c', "into a view");
  struct iovec iov = {p, 4 * page};
  long n = syscall(SYS_process_madvise, pidfd, &iov, 1, MADV_COLD, 0);
  CHECK(n == 4 * page, "process_madvise(MADV_COLD) of a process in a view = %ld (%s)", n,
        strerror(errno));
  CHECK(p[0] == 'c', "the data changed");
  return 1;
}

// move_pages of the calling process from a view moves the process's page.
static int t_move_pages(void) {
  char *p = map_anon(page);
  CHECK(p, "mmap");
  p[0] = 'm';
  CHECK(into_view() && p[0] == 'm', "into a view");
  void *pages[1] = {p};
  int node = 1, status = -1;
  long r = syscall(SYS_move_pages, 0, 1, pages, &node, &status, MPOL_MF_MOVE);
  CHECK(r == 0 && status == 1, "move_pages(to node 1) from a view = %ld, status %d", r, status);
  CHECK(migrate(0) > 0, "MIGRATE 0");
  int where = -1;
  CHECK(syscall(SYS_get_mempolicy, &where, NULL, 0, p, MPOL_F_NODE | MPOL_F_ADDR) == 0,
        "get_mempolicy: %s", strerror(errno));
  CHECK(where == 1 && p[0] == 'm', "move_pages from a view: the page is on node %d", where);
  return 1;
}

static sigjmp_buf fault_jmp;
static void on_fault(int sig) {
  (void)sig;
  siglongjmp(fault_jmp, 1);
}

// NUMA balancing marks the process's PTEs PROT_NONE for hinting faults
// (scanned for the thread that stays in the base view, after the 1 s scan
// delay); a view's mirror must keep the mapping's protection (read-only
// stays read-only) and see the data.
enum { NUMA_PAGES = 64 };
static char *numa_rw, *numa_ro;
static volatile int numa_done;

static void *numa_toucher(void *arg) {
  (void)arg;
  unsigned sum = 0;
  while (!numa_done)
    for (long i = 0; i < NUMA_PAGES * page; i += page)
      sum += numa_ro[i] + ((volatile char *)numa_rw)[i];
  return (void *)(uintptr_t)sum;
}

static int t_numa_hinting_keeps_protection(void) {
  size_t len = NUMA_PAGES * page;
  numa_rw = map_anon(len);
  numa_ro = map_anon(len);
  CHECK(numa_rw && numa_ro, "mmap");
  memset(numa_rw, 'w', len);
  memset(numa_ro, 'r', len);
  CHECK(mprotect(numa_ro, len, PROT_READ) == 0, "mprotect");
  long v = create();
  CHECK(v > 0, "CREATE");
  pthread_t t;
  CHECK(pthread_create(&t, NULL, numa_toucher, NULL) == 0, "pthread_create");
  CHECK(migrate(v) == 0, "MIGRATE");
  struct sigaction sa = {.sa_handler = on_fault};
  sigaction(SIGSEGV, &sa, NULL);
  // volatile: written between sigsetjmp and a siglongjmp back to it.
  volatile int ok = 1;
  for (int round = 0; round < 40 && ok; round++) {
    for (size_t i = 0; i < len; i += page) {
      if (numa_ro[i] != 'r' || numa_rw[i] != 'w') {
        snprintf(why, sizeof why, "round %d: the view reads %d/%d at %zu", round, numa_ro[i],
                 numa_rw[i], i);
        ok = 0;
      }
    }
    for (volatile int j = 0; j < NUMA_PAGES && ok; j++)
      if (sigsetjmp(fault_jmp, 1) == 0) {
        ((volatile char *)numa_ro)[j * page] = 'r';
        snprintf(why, sizeof why, "round %d: a write to read-only memory from a view succeeded",
                 round);
        ok = 0;
      }
    usleep(100 * 1000);
  }
  numa_done = 1;
  pthread_join(t, NULL);
  return ok;
}

int main(void) {
  MMVIEW_START();
  run("io-uring-madvise-acts-on-the-process", t_io_uring_madvise);
  run("io-uring-fixed-buffer-pinned-from-a-view", t_io_uring_fixed_buffer);
  run("process-madvise-of-a-process-in-a-view", t_process_madvise);
  run("move-pages-from-a-view", t_move_pages);
  run("numa-hinting-keeps-protection-in-views", t_numa_hinting_keeps_protection);
  return failures != 0;
}
