// Guest benchmark of the mmview kernel (not a test: prints figures). Run by
// the QEMU harness after the guest tests; the figures land in the serial
// log (build/test-results/kernel.log). Under TCG the absolute numbers are
// emulation speed; the ratios are what carries over.
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "melf/mmview.h"

static long mmview(int op, long a, long b) { return syscall(MELF_SYS_MMVIEW, op, a, b); }
static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}
static long mem_free_kb(void) {
  FILE *f = fopen("/proc/meminfo", "r");
  char line[128];
  long kb = -1;
  while (f && fgets(line, sizeof line, f))
    if (sscanf(line, "MemFree: %ld kB", &kb) == 1)
      break;
  if (f)
    fclose(f);
  return kb;
}

// A round trip between two processes pinned to CPU 0 through two pipes:
// two context switches, each with an address-space switch. In ns.
static double pipe_ping_pong(int n) {
  int ab[2], ba[2];
  char c = 0;
  cpu_set_t cpu0;
  CPU_ZERO(&cpu0);
  CPU_SET(0, &cpu0);
  if (pipe(ab) || pipe(ba))
    return -1;
  pid_t pid = fork();
  if (pid == 0) {
    sched_setaffinity(0, sizeof cpu0, &cpu0);
    for (int i = 0; i < n; i++)
      if (read(ab[0], &c, 1) != 1 || write(ba[1], &c, 1) != 1)
        _exit(1);
    _exit(0);
  }
  cpu_set_t old;
  sched_getaffinity(0, sizeof old, &old);
  sched_setaffinity(0, sizeof cpu0, &cpu0);
  double t0 = now();
  for (int i = 0; i < n; i++)
    if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
      break;
  double ns = (now() - t0) / n * 1e9;
  waitpid(pid, NULL, 0);
  sched_setaffinity(0, sizeof old, &old);
  close(ab[0]), close(ab[1]), close(ba[0]), close(ba[1]);
  return ns;
}

int main(void) {
  enum { N = 100000 };
  long page = sysconf(_SC_PAGESIZE);
  char *u = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  mmview(MMVIEW_UNSHARE, (long)u, page);
  long v = mmview(MMVIEW_CREATE, 0, 0);
  if (v <= 0) {
    printf("bench: mmview unavailable\n");
    return 1;
  }
  double t0 = now();
  for (int i = 0; i < N; i++)
    syscall(SYS_getppid);
  double null_ns = (now() - t0) / N * 1e9;
  t0 = now();
  for (int i = 0; i < N; i++) {
    mmview(MMVIEW_MIGRATE, v, 0);
    mmview(MMVIEW_MIGRATE, 0, 0);
  }
  double rt_ns = (now() - t0) / N * 1e9;
  // The same two calls without a switch (MIGRATE to the current view).
  t0 = now();
  for (int i = 0; i < N; i++) {
    mmview(MMVIEW_MIGRATE, 0, 0);
    mmview(MMVIEW_MIGRATE, 0, 0);
  }
  double stay_ns = (now() - t0) / N * 1e9;
  printf("bench: null system call (getppid): %.0f ns\n", null_ns);
  double pp_ns = pipe_ping_pong(N / 5);
  printf("bench: migrate round trip (base -> view -> base): %.0f ns = %.1f x a null system call\n",
         rt_ns, rt_ns / null_ns);
  printf("bench: the same two calls without a switch (MIGRATE to the current view): %.0f ns\n",
         stay_ns);
  printf("bench: pipe ping-pong of two processes on one CPU: %.0f ns; migrate round trip = %.2f x that\n",
         pp_ns, rt_ns / pp_ns);

  // Memory: empty views, then mirror page tables for 4 MiB of shared memory.
  enum { VIEWS = 32, PAGES = 1024 };
  long before = mem_free_kb();
  long ids[VIEWS];
  for (int i = 0; i < VIEWS; i++)
    ids[i] = mmview(MMVIEW_CREATE, 0, 0);
  long after = mem_free_kb();
  printf("bench: an empty view costs %.1f KiB (%d views: MemFree %ld -> %ld kB)\n",
         (double)(before - after) / VIEWS, VIEWS, before, after);
  char *s = mmap(NULL, PAGES * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  memset(s, 1, PAGES * page);
  before = mem_free_kb();
  t0 = now();
  for (int i = 0; i < VIEWS; i++) {
    mmview(MMVIEW_MIGRATE, ids[i], 0);
    for (int p = 0; p < PAGES; p++)
      (void)*(volatile char *)(s + p * page);
  }
  double fault_ns = (now() - t0) / (VIEWS * PAGES) * 1e9;
  mmview(MMVIEW_MIGRATE, 0, 0);
  after = mem_free_kb();
  // The same pass in the base view, where the pages are mapped: what a
  // touch costs without any fault (after a switch, so with a cold TLB).
  t0 = now();
  for (int i = 0; i < VIEWS; i++) {
    mmview(MMVIEW_MIGRATE, ids[i], 0);
    mmview(MMVIEW_MIGRATE, 0, 0);
    for (int p = 0; p < PAGES; p++)
      (void)*(volatile char *)(s + p * page);
  }
  double mapped_ns = (now() - t0) / (VIEWS * PAGES) * 1e9;
  printf("bench: mirroring %d shared pages costs a view %.1f KiB (page tables); first touch %.0f ns/page "
         "(%.0f ns/page where mapped: %.1f x)\n",
         PAGES, (double)(before - after) / VIEWS, fault_ns, mapped_ns, fault_ns / mapped_ns);
  return 0;
}
