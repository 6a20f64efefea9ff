/*
 * safepoint.c - safe points for a process-wide switch.
 *
 * Every other thread gets a real-time signal (SIGRTMAX -
 * MELF_SAFEPOINT_SIGRTMAX_OFFSET, from abi.h). Its handler
 * records the interrupted PC and stack pointer and waits on a futex while
 * its entry is T_PARKED. The switcher checks each parked thread: PC outside
 * the text part and no word of its live stack (interrupted SP .. top of its
 * stack mapping, from /proc/self/maps) inside it. A thread that fails the
 * check is resumed and signalled again a little later, while the threads
 * already found safe stay parked; once all are safe the image is mapped and
 * everyone is released. Past the deadline everyone is released: MELF_EBUSY.
 *
 * One switcher at a time (switch.c's lock). The handler is async-signal-safe
 * and touches only the table below, through atomics.
 */
#define _GNU_SOURCE
#include "state.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>

#define MAX_THREADS 1024 /* threads a process-wide switch can stop */

enum { T_IDLE, T_REQUESTED, T_PARKED, T_GONE };

/* One thread of the current stop. */
struct stopped {
  _Atomic pid_t tid;
  _Atomic int state;        /* futex word of the parked thread            */
  _Atomic uintptr_t pc, sp; /* written by the handler before parking      */
  int safe;                 /* switcher only: parked and checked          */
};

/* The threads of the current stop, the switcher's and their handlers'.
 * The table (MAX_THREADS entries, 32 KiB) is mapped at the first stop, so
 * programs that never switch with other threads do not carry it; it is
 * published before the first signal is sent and never unmapped. */
static struct {
  _Atomic int n;
  struct stopped *t;
} safepoints;

static int ensure_table(void) {
  if (safepoints.t)
    return 0;
  long p = syscall(SYS_mmap, 0, sizeof(struct stopped) * MAX_THREADS,
                   PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p < 0 && p > -4096)
    return MELF_ESYS;
  __atomic_store_n(&safepoints.t, (struct stopped *)p, __ATOMIC_RELEASE);
  return 0;
}
static int safepoint_signo; /* 0 until the handler is installed */

static void on_safepoint_signal(int sig, siginfo_t *si, void *ucv) {
  (void)sig;
  (void)si;
  int e = errno;
  pid_t me = melf_gettid();
  int n = atomic_load(&safepoints.n);
  for (int i = 0; i < n; i++) {
    if (atomic_load(&safepoints.t[i].tid) != me)
      continue;
    ucontext_t *uc = ucv;
#if defined(__x86_64__)
    atomic_store_explicit(&safepoints.t[i].pc, (uintptr_t)uc->uc_mcontext.gregs[REG_RIP], memory_order_relaxed);
    atomic_store_explicit(&safepoints.t[i].sp, (uintptr_t)uc->uc_mcontext.gregs[REG_RSP], memory_order_relaxed);
#elif defined(__aarch64__)
    atomic_store_explicit(&safepoints.t[i].pc, (uintptr_t)uc->uc_mcontext.pc, memory_order_relaxed);
    atomic_store_explicit(&safepoints.t[i].sp, (uintptr_t)uc->uc_mcontext.sp, memory_order_relaxed);
#else
    (void)uc;
#endif
    int want = T_REQUESTED;
    if (!atomic_compare_exchange_strong(&safepoints.t[i].state, &want, T_PARKED))
      break;
    while (atomic_load(&safepoints.t[i].state) == T_PARKED)
      syscall(SYS_futex, &safepoints.t[i].state, FUTEX_WAIT_PRIVATE, T_PARKED, 0, 0, 0);
    break;
  }
  errno = e;
}

int melf_safepoint_install(void) {
  if (safepoint_signo)
    return 0;
  int sig = SIGRTMAX - MELF_SAFEPOINT_SIGRTMAX_OFFSET;
  struct sigaction old, sa;
  if (sigaction(sig, 0, &old) != 0)
    return MELF_ESYS;
  if ((old.sa_flags & SA_SIGINFO) ? old.sa_sigaction != on_safepoint_signal
                                  : old.sa_handler != SIG_DFL) {
    melf_say("signal %d (SIGRTMAX-%d) already has a handler; process-wide "
             "switches with several threads are disabled",
             sig, MELF_SAFEPOINT_SIGRTMAX_OFFSET);
    return MELF_EBUSY;
  }
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_safepoint_signal;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigfillset(&sa.sa_mask);
  if (sigaction(sig, &sa, 0) != 0)
    return MELF_ESYS;
  safepoint_signo = sig;
  return 0;
}

static void pause_us(long us) {
  struct timespec ts = {0, us * 1000};
  nanosleep(&ts, 0);
}

/* Resume thread i (cancel its request or wake it if parked). */
static void resume(int i) {
  int want = T_REQUESTED;
  if (atomic_compare_exchange_strong(&safepoints.t[i].state, &want, T_IDLE))
    return;
  if (want == T_PARKED) {
    atomic_store(&safepoints.t[i].state, T_IDLE);
    syscall(SYS_futex, &safepoints.t[i].state, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0);
  }
}

static int request(int i, pid_t pid) {
  safepoints.t[i].safe = 0;
  atomic_store(&safepoints.t[i].state, T_REQUESTED);
  if (syscall(SYS_tgkill, pid, (pid_t)atomic_load(&safepoints.t[i].tid),
              safepoint_signo) != 0) {
    atomic_store(&safepoints.t[i].state, T_GONE);
    return 0;
  }
  return 1;
}

/* Adds threads not in the table yet; returns how many, or -1. */
static int add_new_threads(pid_t self, pid_t pid) {
  pid_t tids[MAX_THREADS];
  int m = melf_list_threads(self, tids, MAX_THREADS);
  if (m < 0 || m > MAX_THREADS)
    return -1;
  int n = atomic_load(&safepoints.n), added = 0;
  for (int j = 0; j < m; j++) {
    int known = 0;
    for (int i = 0; i < n && !known; i++)
      known = atomic_load(&safepoints.t[i].tid) == tids[j];
    if (known)
      continue;
    if (n == MAX_THREADS)
      return -1;
    atomic_store(&safepoints.t[n].tid, tids[j]);
    atomic_store(&safepoints.t[n].state, T_IDLE);
    atomic_store(&safepoints.n, n + 1);
    request(n, pid);
    n++;
    added++;
  }
  return added;
}

/* Checks the stacks of the parked, not yet checked threads whose PC is
 * outside the area; marks them safe or resumes them. */
static void check_stacks(void) {
  struct melf_reader r = {.fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC)};
  int n = atomic_load(&safepoints.n);
  uintptr_t lo, hi;
  int rdable;
  while (r.fd >= 0 && melf_next_mapping(&r, &lo, &hi, &rdable))
    for (int i = 0; i < n; i++) {
      if (safepoints.t[i].safe || atomic_load(&safepoints.t[i].state) != T_PARKED)
        continue;
      uintptr_t s = atomic_load_explicit(&safepoints.t[i].sp, memory_order_relaxed);
      if (s < lo || s >= hi)
        continue;
      /* The PC again: the thread may have parked after the caller's look. */
      uintptr_t pc = atomic_load_explicit(&safepoints.t[i].pc, memory_order_relaxed);
      if (rdable && !melf_in_area(pc) &&
          !melf_scan_words(s, hi))
        safepoints.t[i].safe = 1;
    }
  if (r.fd >= 0)
    close(r.fd);
  for (int i = 0; i < n; i++)
    if (!safepoints.t[i].safe && atomic_load(&safepoints.t[i].state) == T_PARKED)
      resume(i); /* inside, or a stack we could not find: try again */
}

/* Stop all other threads at safe points, run fn(arg), release them.
 * Returns fn's result, MELF_EBUSY or MELF_ELIMIT. */
int melf_stop_world_and(pid_t self, int (*fn)(int), int arg, long deadline,
                        int *attempts) {
  pid_t pid = getpid();
  if (ensure_table() != 0)
    return MELF_ESYS;
  atomic_store(&safepoints.n, 0);
  if (add_new_threads(self, pid) < 0)
    return MELF_ELIMIT;
  int rc = MELF_EBUSY, polls = 0;
  for (;;) {
    int n = atomic_load(&safepoints.n), pending = 0, idle = 0, parked_unchecked = 0;
    for (int i = 0; i < n; i++) {
      int s = atomic_load(&safepoints.t[i].state);
      if (s == T_REQUESTED) {
        if ((++polls & 255) == 0 &&
            syscall(SYS_tgkill, pid, (pid_t)atomic_load(&safepoints.t[i].tid), 0) != 0) {
          int want = T_REQUESTED; /* exited */
          atomic_compare_exchange_strong(&safepoints.t[i].state, &want, T_GONE);
        } else {
          pending++;
        }
      } else if (s == T_IDLE) {
        idle++;
      } else if (s == T_PARKED && !safepoints.t[i].safe) {
        if (melf_in_area(
                atomic_load_explicit(&safepoints.t[i].pc, memory_order_relaxed)))
          resume(i), idle++; /* executing inside the area */
        else
          parked_unchecked++;
      }
    }
    if (parked_unchecked)
      check_stacks();
    if (!pending && !idle && !parked_unchecked) {
      int added = add_new_threads(self, pid);
      if (added < 0) {
        rc = MELF_ELIMIT;
        break;
      }
      if (added == 0) {
        rc = fn(arg); /* every other thread is parked at a safe point */
        break;
      }
      continue;
    }
    if (melf_now_ns() > deadline)
      break;
    if (idle) {
      /* Let resumed threads run on a little, then ask again. */
      pause_us(20);
      for (int i = 0; i < n; i++)
        if (atomic_load(&safepoints.t[i].state) == T_IDLE) {
          request(i, pid);
          ++*attempts;
        }
    } else if (pending) {
      sched_yield();
    }
  }
  int n = atomic_load(&safepoints.n);
  for (int i = 0; i < n; i++)
    resume(i);
  atomic_store(&safepoints.n, 0);
  return rc;
}
