/*
 * melf.c - libmelf: start-up discovery, the API, process and views modes.
 *
 * Start-up (a constructor, static and dynamic, PIE or not):
 *   dl_iterate_phdr -> the main program's PT_MELF_META -> melf_meta_parse()
 *   -> open the executable (/proc/self/exe, else AT_EXECFN), check that it is
 *   the running image -> CPU features -> mode (probe mmview, MELF_MODE) ->
 *   MELF_VARIANT.
 * Switching maps a variant's image from the executable file over the text
 * part (MAP_PRIVATE|MAP_FIXED, PROT_READ|PROT_EXEC), so image pages are
 * shared page cache. Switch paths allocate nothing: the state is static and
 * every buffer lives on the stack.
 */
#define _GNU_SOURCE
#include "internal.h"
#include <melf.h>

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#if defined(__x86_64__)
#define HOST_ARCH MELF_ARCH_X86_64
#elif defined(__aarch64__)
#define HOST_ARCH MELF_ARCH_AARCH64
#else
#define HOST_ARCH 0u
#endif

/* The mmview system call (address-space views), see docs/runtime.md. */
#include <melf/mmview.h>
#ifndef MELF_SYS_MMVIEW
#define MELF_SYS_MMVIEW (-1) /* no number on this architecture: no views */
#endif

#define MAX_PHDRS 256
#define MAX_THREADS 1024          /* threads a process-wide switch can stop */
#define SWITCH_BUDGET_NS 500000000L /* bounded wait for safe points: 0.5 s  */

static struct {
  int status;         /* 0, MELF_ENOMELF, MELF_ECORRUPT, ...              */
  char msg[320];      /* start-up problem, "" if none                     */
  int mode;           /* MELF_MODE_*                                       */
  int nvariants;      /* >= 1                                              */
  struct melf_layout L;
  uintptr_t bias;
  uintptr_t text, rodata; /* run-time addresses */
  size_t text_size, rodata_size;
  uint64_t cpu;
  unsigned char supported[MELF_MAX_VARIANTS];
  int fd;             /* the executable, O_RDONLY|O_CLOEXEC, or -1        */
  int fd_errno;       /* why it could not be opened                       */
  char fd_why[160];
  int fd_reported;
  dev_t dev;
  ino_t ino;
  int debug;
  long view_of[MELF_MAX_VARIANTS]; /* views mode: variant -> view id, -1 */
} g = {.nvariants = 1, .fd = -1};

static _Atomic int g_process_variant; /* variant of the (base) image      */

/* ---- Debugger interface (include/melf/abi.h, docs/debugging.md) --------- */

__attribute__((visibility("default"))) struct melf_debug _melf_debug = {
    .version = MELF_DEBUG_VERSION};

/* Debuggers break here; called after every change of _melf_debug. */
__attribute__((noinline, visibility("default"))) void _melf_debug_notify(void) {
  __asm__ volatile("" ::: "memory");
}

/* Records that thread `tid` runs `variant` (views mode; under g_lock). */
static void debug_set_thread(pid_t tid, int variant) {
  uint32_t n = _melf_debug.nthreads, i, slot = n;
  for (i = 0; i < n; i++) {
    if (_melf_debug.threads[i].tid == tid) {
      slot = i;
      break;
    }
    if (_melf_debug.threads[i].tid == 0 && slot == n)
      slot = i;
  }
  if (slot == n) {
    if (n == MELF_DEBUG_MAX_THREADS)
      return; /* full: the debugger shows the base variant for the rest */
    _melf_debug.nthreads = n + 1;
  }
  _melf_debug.threads[slot].variant = variant;
  _melf_debug.threads[slot].tid = tid;
}
static _Atomic int g_check;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- Messages (write(2), no stdio) -------------------------------------- */

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...) {
  char buf[512];
  size_t n = melf_fmt_str(buf, sizeof buf, 0, "melf: ");
  va_list ap;
  va_start(ap, fmt);
  n += melf_vfmt(buf + n, sizeof buf - n - 1, fmt, ap);
  va_end(ap);
  buf[n++] = '\n';
  int e = errno;
  (void)!write(2, buf, n);
  errno = e;
}
#define DBG(...)                                                               \
  do {                                                                         \
    if (g.debug)                                                               \
      say(__VA_ARGS__);                                                        \
  } while (0)

const char *melf_compiled_variant(void) { return MELF_DEFAULT_VARIANT; }

const char *melf_strerror(int err) {
  switch (err) {
  case 0: return "success";
  case MELF_EINVAL: return "invalid argument (variant id out of range?)";
  case MELF_ENOENT: return "no variant of that name";
  case MELF_ENOTSUP: return "the CPU lacks ISA features the variant requires";
  case MELF_ENOMELF: return "the executable has no MELF variants";
  case MELF_ECORRUPT: return "the MELF metadata is corrupt; running the default variant";
  case MELF_ENOEXEC: return "the executable file cannot be opened to map variant images";
  case MELF_EBUSY: return "other threads could not be brought to a safe point; nothing switched";
  case MELF_ENOVIEWS: return "per-thread switching needs kernel address-space views (mmview), which this kernel lacks";
  case MELF_EUNSAFE: return "the calling thread's stack holds a return address inside the MELF area";
  case MELF_ESYS: return "a system call failed";
  case MELF_ELIMIT: return "too many threads for a process-wide switch";
  default: return "unknown error";
  }
}

/* ---- Enumeration --------------------------------------------------------- */

int melf_variant_count(void) { return g.nvariants; }

const char *melf_variant_name(int id) {
  if (id < 0 || id >= g.nvariants)
    return 0;
  return id == 0 ? MELF_DEFAULT_VARIANT : g.L.v[id].name;
}

int melf_variant_find(const char *name) {
  if (!name)
    return MELF_EINVAL;
  for (int i = 0; i < g.nvariants; i++)
    if (strcmp(name, melf_variant_name(i)) == 0)
      return i;
  return MELF_ENOENT;
}

int melf_variant_supported(int id) {
  if (id < 0 || id >= g.nvariants)
    return MELF_EINVAL;
  return id == 0 ? 1 : g.supported[id];
}

int melf_variant_flags(int id) {
  if (id < 0 || id >= g.nvariants)
    return MELF_EINVAL;
  return id == 0 ? (int)(g.L.v[0].flags | MELF_VF_DEFAULT) : (int)g.L.v[id].flags;
}

int melf_best_variant(void) {
  int best = 0, bestn = 0;
  for (int i = 1; i < g.nvariants; i++) {
    const struct melf_variant_rt *v = &g.L.v[i];
    if (!g.supported[i] || !v->isa ||
        (v->flags & (MELF_VF_ASAN | MELF_VF_OPTNONE | MELF_VF_SIZE)))
      continue;
    int n = __builtin_popcountll(v->isa);
    if (n > bestn) {
      best = i;
      bestn = n;
    }
  }
  return best;
}

int melf_mode(void) { return g.mode; }
int melf_status(void) { return g.status; }
const char *melf_status_message(void) { return g.msg[0] ? g.msg : 0; }

int melf_set_check(int on) { return atomic_exchange(&g_check, on ? 1 : 0); }

static long mmview(long op, long a, long b) {
  return syscall(MELF_SYS_MMVIEW, op, a, b);
}

int melf_current_variant(void) {
  if (g.mode == MELF_MODE_VIEWS) {
    long v = mmview(MMVIEW_CURRENT, 0, 0);
    if (v > 0)
      for (int i = 0; i < g.nvariants; i++)
        if (g.view_of[i] == v)
          return i;
  }
  return atomic_load(&g_process_variant);
}

/* ---- /proc readers (no allocation) --------------------------------------- */

struct reader {
  int fd;
  size_t len, pos;
  char buf[2048];
};

static int rd_char(struct reader *r) {
  if (r->pos == r->len) {
    ssize_t n;
    do
      n = read(r->fd, r->buf, sizeof r->buf);
    while (n < 0 && errno == EINTR);
    if (n <= 0)
      return -1;
    r->len = (size_t)n;
    r->pos = 0;
  }
  return (unsigned char)r->buf[r->pos++];
}

/* Next mapping of /proc/self/maps: [lo, hi), readable. 0 at the end. */
static int next_mapping(struct reader *r, uintptr_t *lo, uintptr_t *hi,
                        int *readable) {
  int c;
  uintptr_t v[2] = {0, 0};
  for (int k = 0; k < 2; k++) {
    while ((c = rd_char(r)) >= 0) {
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (d < 0)
        break;
      v[k] = v[k] * 16 + (uintptr_t)d;
    }
    if (c < 0)
      return 0;
  }
  c = rd_char(r); /* first permission character */
  *readable = c == 'r';
  while (c >= 0 && c != '\n')
    c = rd_char(r);
  *lo = v[0];
  *hi = v[1];
  return 1;
}

/* Does [from, to) hold a word inside the text part? Reads another thread's
 * (stopped) stack or our own: not instrumented. */
__attribute__((no_sanitize("address", "thread", "memory")))
static int scan_words(uintptr_t from, uintptr_t to) {
  for (uintptr_t p = (from + 7) & ~(uintptr_t)7; p + 8 <= to; p += 8) {
    uintptr_t w = *(const volatile uintptr_t *)p;
    if (w - g.text < g.text_size)
      return 1;
  }
  return 0;
}

/* Threads of this process other than `self`: fills tids[0..cap), returns the
 * total number, or -1 without /proc. */
static int list_threads(pid_t self, pid_t *tids, int cap) {
  int fd = open("/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  int n = 0;
  char buf[2048] __attribute__((aligned(8)));
  for (;;) {
    long got = syscall(SYS_getdents64, fd, buf, sizeof buf);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      break;
    for (long off = 0; off < got;) {
      unsigned short reclen;
      memcpy(&reclen, buf + off + 16, 2);
      const char *name = buf + off + 19;
      off += reclen;
      if (name[0] < '0' || name[0] > '9')
        continue;
      pid_t t = 0;
      for (const char *c = name; *c >= '0' && *c <= '9'; c++)
        t = t * 10 + (*c - '0');
      if (t == self)
        continue;
      if (n < cap)
        tids[n] = t;
      n++;
    }
  }
  close(fd);
  return n;
}

static pid_t gettid_(void) { return (pid_t)syscall(SYS_gettid); }

int melf_check_stack(void) {
  if (!g.text_size)
    return 0;
  uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
  struct reader r = {.fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC)};
  if (r.fd < 0)
    return MELF_ESYS;
  uintptr_t lo, hi;
  int rdable, res = MELF_ESYS;
  while (next_mapping(&r, &lo, &hi, &rdable))
    if (sp >= lo && sp < hi && rdable) {
      res = scan_words(sp, hi) ? MELF_EUNSAFE : 0;
      break;
    }
  close(r.fd);
  return res;
}

/* ---- Mapping images ------------------------------------------------------ */

static int fd_still_ours(void) {
  struct stat st;
  return g.fd >= 0 && fstat(g.fd, &st) == 0 && st.st_dev == g.dev &&
         st.st_ino == g.ino;
}

/* Map variant `id`'s image over the area in the calling thread's view.
 * Through the raw system call, not libc's mmap: sanitizer runtimes (TSan,
 * MSan, ...) intercept mmap and update shadow memory for the range, which
 * is neither needed for code nor safe while other threads are stopped at a
 * safe point or run in other views. */
static int map_image(int id) {
  const struct melf_variant_rt *v = &g.L.v[id];
  if (melf_sys_mmap_fixed(g.text, g.text_size, PROT_READ | PROT_EXEC, g.fd,
                          v->text_off) != 0)
    return MELF_ESYS;
  if (g.rodata_size &&
      melf_sys_mmap_fixed(g.rodata, g.rodata_size, PROT_READ, g.fd,
                          v->rodata_off) != 0)
    return MELF_ESYS;
  return 0;
}

/* Common checks of a switch request (under g_lock): 0 to go on, 1 when
 * there is nothing to do, or an error. Reports the unopened file once. */
static int can_switch(int id) {
  if (g.status == MELF_ENOMELF)
    return id == 0 ? 1 : MELF_ENOMELF;
  if (g.status)
    return g.status;
  if (id < 0 || id >= g.nvariants)
    return MELF_EINVAL;
  if (g.nvariants == 1)
    return 1;
  if (!g.supported[id])
    return MELF_ENOTSUP;
  if (g.fd < 0) {
    if (!g.fd_reported) {
      g.fd_reported = 1;
      say("cannot switch variants: %s; running the default variant", g.fd_why);
    }
    return MELF_ENOEXEC;
  }
  if (!fd_still_ours()) {
    say("the descriptor of the executable was closed or replaced by the "
        "program; cannot map variant images");
    return MELF_ENOEXEC;
  }
  return 0;
}

/* ---- Safe points for a process-wide switch ------------------------------- */
/*
 * Every other thread gets a real-time signal (SIGRTMAX -
 * MELF_SAFEPOINT_SIGRTMAX_OFFSET, from abi.h). Its handler
 * records the interrupted PC and stack pointer and waits on a futex while
 * its entry is T_PARKED. The switcher checks each parked thread: PC outside
 * the text part and no word of its live stack (interrupted SP .. top of its
 * stack mapping, from /proc/self/maps) inside it. A thread that fails the
 * check is resumed and signalled again a little later, while the threads
 * already found safe stay parked; once all are safe the image is mapped and
 * everyone is released. Past the deadline everyone is released: MELF_EBUSY.
 */

enum { T_IDLE, T_REQUESTED, T_PARKED, T_GONE };
static struct {
  _Atomic int n;
  struct {
    _Atomic pid_t tid;
    _Atomic int state; /* futex word of the parked thread */
    _Atomic uintptr_t pc, sp; /* written by the handler before parking */
    int safe;          /* switcher only: parked and checked */
  } t[MAX_THREADS];
} sp_;
static int g_signo;

static void on_safepoint_signal(int sig, siginfo_t *si, void *ucv) {
  (void)sig;
  (void)si;
  int e = errno;
  pid_t me = gettid_();
  int n = atomic_load(&sp_.n);
  for (int i = 0; i < n; i++) {
    if (atomic_load(&sp_.t[i].tid) != me)
      continue;
    ucontext_t *uc = ucv;
#if defined(__x86_64__)
    atomic_store_explicit(&sp_.t[i].pc, (uintptr_t)uc->uc_mcontext.gregs[REG_RIP], memory_order_relaxed);
    atomic_store_explicit(&sp_.t[i].sp, (uintptr_t)uc->uc_mcontext.gregs[REG_RSP], memory_order_relaxed);
#elif defined(__aarch64__)
    atomic_store_explicit(&sp_.t[i].pc, (uintptr_t)uc->uc_mcontext.pc, memory_order_relaxed);
    atomic_store_explicit(&sp_.t[i].sp, (uintptr_t)uc->uc_mcontext.sp, memory_order_relaxed);
#else
    (void)uc;
#endif
    int want = T_REQUESTED;
    if (!atomic_compare_exchange_strong(&sp_.t[i].state, &want, T_PARKED))
      break;
    while (atomic_load(&sp_.t[i].state) == T_PARKED)
      syscall(SYS_futex, &sp_.t[i].state, FUTEX_WAIT_PRIVATE, T_PARKED, 0, 0, 0);
    break;
  }
  errno = e;
}

static int install_handler(void) {
  if (g_signo)
    return 0;
  int sig = SIGRTMAX - MELF_SAFEPOINT_SIGRTMAX_OFFSET;
  struct sigaction old, sa;
  if (sigaction(sig, 0, &old) != 0)
    return MELF_ESYS;
  if ((old.sa_flags & SA_SIGINFO) ? old.sa_sigaction != on_safepoint_signal
                                  : old.sa_handler != SIG_DFL) {
    say("signal %d (SIGRTMAX-%d) already has a handler; process-wide switches "
        "with several threads are disabled",
        sig, MELF_SAFEPOINT_SIGRTMAX_OFFSET);
    return MELF_EBUSY;
  }
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_safepoint_signal;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigfillset(&sa.sa_mask);
  if (sigaction(sig, &sa, 0) != 0)
    return MELF_ESYS;
  g_signo = sig;
  return 0;
}

static long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static void pause_us(long us) {
  struct timespec ts = {0, us * 1000};
  nanosleep(&ts, 0);
}

/* Resume thread i (cancel its request or wake it if parked). */
static void resume(int i) {
  int want = T_REQUESTED;
  if (atomic_compare_exchange_strong(&sp_.t[i].state, &want, T_IDLE))
    return;
  if (want == T_PARKED) {
    atomic_store(&sp_.t[i].state, T_IDLE);
    syscall(SYS_futex, &sp_.t[i].state, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0);
  }
}

static int request(int i, pid_t pid) {
  sp_.t[i].safe = 0;
  atomic_store(&sp_.t[i].state, T_REQUESTED);
  if (syscall(SYS_tgkill, pid, (pid_t)atomic_load(&sp_.t[i].tid), g_signo) != 0) {
    atomic_store(&sp_.t[i].state, T_GONE);
    return 0;
  }
  return 1;
}

/* Adds threads not in the table yet; returns how many, or -1. */
static int add_new_threads(pid_t self, pid_t pid) {
  pid_t tids[MAX_THREADS];
  int m = list_threads(self, tids, MAX_THREADS);
  if (m < 0 || m > MAX_THREADS)
    return -1;
  int n = atomic_load(&sp_.n), added = 0;
  for (int j = 0; j < m; j++) {
    int known = 0;
    for (int i = 0; i < n && !known; i++)
      known = atomic_load(&sp_.t[i].tid) == tids[j];
    if (known)
      continue;
    if (n == MAX_THREADS)
      return -1;
    atomic_store(&sp_.t[n].tid, tids[j]);
    atomic_store(&sp_.t[n].state, T_IDLE);
    atomic_store(&sp_.n, n + 1);
    request(n, pid);
    n++;
    added++;
  }
  return added;
}

/* Checks the stacks of the parked, not yet checked threads whose PC is
 * outside the area; marks them safe or resumes them. */
static void check_stacks(void) {
  struct reader r = {.fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC)};
  int n = atomic_load(&sp_.n);
  uintptr_t lo, hi;
  int rdable;
  while (r.fd >= 0 && next_mapping(&r, &lo, &hi, &rdable))
    for (int i = 0; i < n; i++) {
      if (sp_.t[i].safe || atomic_load(&sp_.t[i].state) != T_PARKED)
        continue;
      uintptr_t s = atomic_load_explicit(&sp_.t[i].sp, memory_order_relaxed);
      if (s < lo || s >= hi)
        continue;
      /* The PC again: the thread may have parked after the caller's look. */
      uintptr_t pc = atomic_load_explicit(&sp_.t[i].pc, memory_order_relaxed);
      if (rdable && pc - g.text >= g.text_size && !scan_words(s, hi))
        sp_.t[i].safe = 1;
    }
  if (r.fd >= 0)
    close(r.fd);
  for (int i = 0; i < n; i++)
    if (!sp_.t[i].safe && atomic_load(&sp_.t[i].state) == T_PARKED)
      resume(i); /* inside, or a stack we could not find: try again */
}

/* Stop all other threads at safe points, run fn(arg), release them.
 * Returns fn's result, MELF_EBUSY or MELF_ELIMIT. */
static int stop_world_and(pid_t self, int (*fn)(int), int arg, long deadline,
                          int *attempts) {
  pid_t pid = getpid();
  atomic_store(&sp_.n, 0);
  if (add_new_threads(self, pid) < 0)
    return MELF_ELIMIT;
  int rc = MELF_EBUSY, polls = 0;
  for (;;) {
    int n = atomic_load(&sp_.n), pending = 0, idle = 0, parked_unchecked = 0;
    for (int i = 0; i < n; i++) {
      int s = atomic_load(&sp_.t[i].state);
      if (s == T_REQUESTED) {
        if ((++polls & 255) == 0 &&
            syscall(SYS_tgkill, pid, (pid_t)atomic_load(&sp_.t[i].tid), 0) != 0) {
          int want = T_REQUESTED; /* exited */
          atomic_compare_exchange_strong(&sp_.t[i].state, &want, T_GONE);
        } else {
          pending++;
        }
      } else if (s == T_IDLE) {
        idle++;
      } else if (s == T_PARKED && !sp_.t[i].safe) {
        if (atomic_load_explicit(&sp_.t[i].pc, memory_order_relaxed) - g.text <
            g.text_size)
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
    if (now_ns() > deadline)
      break;
    if (idle) {
      /* Let resumed threads run on a little, then ask again. */
      pause_us(20);
      for (int i = 0; i < n; i++)
        if (atomic_load(&sp_.t[i].state) == T_IDLE) {
          request(i, pid);
          ++*attempts;
        }
    } else if (pending) {
      sched_yield();
    }
  }
  int n = atomic_load(&sp_.n);
  for (int i = 0; i < n; i++)
    resume(i);
  atomic_store(&sp_.n, 0);
  return rc;
}

/* ---- Switching ----------------------------------------------------------- */

static int remap_base(int id) {
  long prev = -1;
  if (g.mode == MELF_MODE_VIEWS) {
    prev = mmview(MMVIEW_MIGRATE, 0, 0);
    if (prev < 0)
      return MELF_ESYS;
  }
  _melf_debug.state = MELF_DEBUG_REMAP_BEGIN;
  _melf_debug_notify(); /* breakpoints in the area come out now */
  int rc = map_image(id);
  if (rc == 0)
    _melf_debug.process_variant = id;
  _melf_debug.state = MELF_DEBUG_CONSISTENT;
  _melf_debug_notify();
  if (prev > 0)
    mmview(MMVIEW_MIGRATE, prev, 0);
  if (rc == 0) {
    int old = atomic_exchange(&g_process_variant, id);
    if (g.mode == MELF_MODE_VIEWS) {
      if (g.view_of[old] == 0)
        g.view_of[old] = -1;
      if (g.view_of[id] < 0)
        g.view_of[id] = 0;
    }
  }
  return rc;
}

static int switch_process_locked(int id, const char *what) {
  if (atomic_load(&g_check) && melf_check_stack() == MELF_EUNSAFE)
    return MELF_EUNSAFE;
  if (id == atomic_load(&g_process_variant))
    return 0;
  pid_t self = gettid_();
  int others = list_threads(self, 0, 0);
  long t0 = now_ns();
  int rc;
  if (others == 0) {
    rc = remap_base(id);
  } else {
    rc = install_handler();
    int attempts = 0;
    if (rc == 0)
      rc = stop_world_and(self, remap_base, id, t0 + SWITCH_BUDGET_NS, &attempts);
    if (rc == MELF_EBUSY)
      DBG("%s to '%s': busy (%d other threads, %d re-signals)", what,
          melf_variant_name(id), others, attempts);
  }
  if (rc == 0)
    DBG("%s to '%s' (id %d) in %ld us", what, melf_variant_name(id), id,
        (now_ns() - t0) / 1000);
  else if (rc == MELF_ESYS)
    say("%s to '%s' failed: %s", what, melf_variant_name(id), strerror(errno));
  return rc;
}

int melf_switch_process(int id) {
  pthread_mutex_lock(&g_lock);
  int rc = can_switch(id);
  if (rc == 0)
    rc = switch_process_locked(id, "process switch");
  pthread_mutex_unlock(&g_lock);
  return rc == 1 ? 0 : rc;
}

static int switch_thread_views(int id) {
  if (atomic_load(&g_check) && melf_check_stack() == MELF_EUNSAFE)
    return MELF_EUNSAFE;
  if (g.view_of[id] < 0) {
    long v = mmview(MMVIEW_CREATE, 0, 0);
    if (v < 0)
      return MELF_ESYS;
    long prev = mmview(MMVIEW_MIGRATE, v, 0);
    if (prev < 0) {
      mmview(MMVIEW_DELETE, v, 0);
      return MELF_ESYS;
    }
    int rc = map_image(id); /* the text part is unshared: this view only */
    mmview(MMVIEW_MIGRATE, prev, 0);
    if (rc) {
      mmview(MMVIEW_DELETE, v, 0);
      return rc;
    }
    g.view_of[id] = v;
    DBG("created view %ld for '%s'", v, melf_variant_name(id));
  }
  if (mmview(MMVIEW_MIGRATE, g.view_of[id], 0) < 0)
    return MELF_ESYS;
  debug_set_thread(gettid_(), id);
  _melf_debug_notify();
  DBG("thread %d switched to '%s' (view %ld)", (int)gettid_(),
      melf_variant_name(id), g.view_of[id]);
  return 0;
}

int melf_switch_thread(int id) {
  pthread_mutex_lock(&g_lock);
  int rc = can_switch(id);
  if (rc)
    ;
  else if (g.mode == MELF_MODE_VIEWS)
    rc = switch_thread_views(id);
  else if (list_threads(gettid_(), 0, 0) != 0)
    rc = MELF_ENOVIEWS;
  else
    rc = switch_process_locked(id, "thread switch (single thread: process)");
  pthread_mutex_unlock(&g_lock);
  return rc == 1 ? 0 : rc;
}

/* ---- Start-up ------------------------------------------------------------ */

static int first_object(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  *(struct dl_phdr_info *)data = *info;
  return 1; /* the main program comes first */
}

static void corrupt(const char *why) {
  g.status = MELF_ECORRUPT;
  melf_fmt(g.msg, sizeof g.msg, "corrupt MELF metadata: %s; running the default variant", why);
  say("%s", g.msg);
}

/* Is `fd` the running image? Its metadata bytes equal those in memory. */
static int same_image(int fd, const unsigned char *meta, uint64_t size,
                      uint64_t off) {
  unsigned char buf[1024];
  for (uint64_t done = 0; done < size;) {
    size_t k = size - done < sizeof buf ? (size_t)(size - done) : sizeof buf;
    if (pread(fd, buf, k, (off_t)(off + done)) != (ssize_t)k ||
        memcmp(buf, meta + done, k) != 0)
      return 0;
    done += k;
  }
  return 1;
}

static void open_executable(const unsigned char *meta, uint64_t size,
                            uint64_t off) {
  /* AT_EXECFN is the path the caller gave execve: in secure-execution mode
   * (setuid, file capabilities) it names a file the caller may control,
   * so only the kernel's link to the running executable is used. */
  const char *paths[2] = {"/proc/self/exe",
                          melf_secure() ? 0 : (const char *)getauxval(AT_EXECFN)};
  int err = 0;
  for (int i = 0; i < 2 && g.fd < 0; i++) {
    if (!paths[i])
      continue;
    int fd = open(paths[i], O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (!err)
        err = errno;
      continue;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && same_image(fd, meta, size, off)) {
      g.fd = fd;
      g.dev = st.st_dev;
      g.ino = st.st_ino;
      DBG("images mapped from %s", paths[i]);
      return;
    }
    close(fd);
    if (!err)
      err = ESTALE;
  }
  g.fd_errno = err;
  melf_fmt(g.fd_why, sizeof g.fd_why,
           "the executable cannot be opened (/proc/self/exe, AT_EXECFN: %s)",
           err == ESTALE ? "not the running image" : strerror(err));
}

/* Seccomp state from /proc/self/status: 0 off, >0 on, -1 unknown. */
static int seccomp_state(void) {
  struct reader r = {.fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC)};
  if (r.fd < 0)
    return -1;
  const char *key = "Seccomp:";
  int state = -1, k = 0, c, bol = 1;
  while ((c = rd_char(&r)) >= 0) {
    if (bol && key[k] == c) {
      if (!key[++k]) {
        while ((c = rd_char(&r)) == ' ' || c == '\t')
          ;
        state = c >= '0' && c <= '9' ? c - '0' : -1;
        break;
      }
      continue;
    }
    k = 0;
    bol = c == '\n';
  }
  close(r.fd);
  return state;
}

/* 1 if the kernel has address-space views; never makes an unknown system
 * call under a seccomp filter. */
static int probe_views(const char **why) {
  int s = seccomp_state();
  if (s != 0) {
    *why = s < 0 ? "seccomp state unknown, not probing"
                 : "seccomp is active, not probing";
    return 0;
  }
  long r = mmview(MMVIEW_CURRENT, 0, 0);
  if (r >= 0) {
    *why = "mmview present";
    return 1;
  }
  *why = errno == ENOSYS ? "no mmview system call (ENOSYS)"
         : errno == EPERM ? "mmview not permitted (EPERM)"
                          : "mmview probe failed";
  return 0;
}

static void choose_mode(void) {
  const char *env = melf_env("MELF_MODE"), *why = "";
  int want = 0; /* 0 auto, 1 process, 2 views */
  if (env && *env) {
    if (!strcmp(env, "process"))
      want = 1;
    else if (!strcmp(env, "views"))
      want = 2;
    else
      say("MELF_MODE=%s: expected 'process' or 'views'; probing the kernel", env);
  }
  int views = want == 1 ? 0 : probe_views(&why);
  if (want == 2 && !views)
    say("MELF_MODE=views: this kernel has no address-space views (%s); using "
        "process mode",
        why);
  g.mode = views ? MELF_MODE_VIEWS : MELF_MODE_PROCESS;
  if (views) {
    /* Unshare the area while the process has one view (the interface
     * requires it). */
    if (mmview(MMVIEW_UNSHARE, (long)g.text, (long)g.text_size) != 0 ||
        (g.rodata_size &&
         mmview(MMVIEW_UNSHARE, (long)g.rodata, (long)g.rodata_size) != 0) ||
        (g.L.vldata_size &&
         mmview(MMVIEW_UNSHARE, (long)(g.bias + g.L.vldata_vaddr),
                (long)g.L.vldata_size) != 0)) {
      say("cannot unshare the MELF area (%s); using process mode",
          strerror(errno));
      g.mode = MELF_MODE_PROCESS;
    }
  }
  DBG("mode %s (%s)", g.mode == MELF_MODE_VIEWS ? "views" : "process",
      want == 1 ? "MELF_MODE=process" : why);
}

/* The forking thread's variant, recorded before fork: in the child the
 * kernel reports view 0 whatever view the parent thread was in. */
static int g_fork_variant;
static void before_fork(void) { g_fork_variant = melf_current_variant(); }

static void after_fork_child(void) {
  /* fork gives the child a single view, a copy of the forking thread's. */
  int cur = g_fork_variant;
  for (int i = 0; i < MELF_MAX_VARIANTS; i++)
    g.view_of[i] = -1;
  g.view_of[cur] = 0;
  atomic_store(&g_process_variant, cur);
  _melf_debug.process_variant = cur;
  _melf_debug.nthreads = 0;
}

static int has_textrel(const struct dl_phdr_info *info) {
  for (int i = 0; i < info->dlpi_phnum; i++) {
    if (info->dlpi_phdr[i].p_type != PT_DYNAMIC)
      continue;
    const ElfW(Dyn) *d =
        (const ElfW(Dyn) *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
    for (; d->d_tag != DT_NULL; d++)
      if (d->d_tag == DT_TEXTREL ||
          (d->d_tag == DT_FLAGS && (d->d_un.d_val & DF_TEXTREL)))
        return 1;
  }
  return 0;
}

static void discover(void) {
  struct dl_phdr_info info;
  memset(&info, 0, sizeof info);
  g.status = MELF_ENOMELF;
  for (int i = 0; i < MELF_MAX_VARIANTS; i++)
    g.view_of[i] = -1;
  g.view_of[0] = 0;
  dl_iterate_phdr(first_object, &info);
  const ElfW(Phdr) *meta_ph = 0;
  for (int i = 0; i < info.dlpi_phnum; i++)
    if (info.dlpi_phdr[i].p_type == PT_MELF_META)
      meta_ph = &info.dlpi_phdr[i];
  if (!meta_ph) {
    DBG("no PT_MELF_META: not a MELF executable");
    return;
  }
  if (info.dlpi_phnum > MAX_PHDRS) {
    corrupt("too many program headers");
    return;
  }
  struct melf_ph ph[MAX_PHDRS];
  for (int i = 0; i < info.dlpi_phnum; i++) {
    const ElfW(Phdr) *p = &info.dlpi_phdr[i];
    ph[i] = (struct melf_ph){p->p_type, p->p_flags, p->p_offset,
                             p->p_vaddr, p->p_filesz, p->p_memsz};
  }
  g.bias = info.dlpi_addr;
  const unsigned char *meta =
      (const unsigned char *)(g.bias + meta_ph->p_vaddr);
  uint64_t size = meta_ph->p_filesz;
  char why[256];
  long page = sysconf(_SC_PAGESIZE);
  if (melf_meta_parse(meta, size, meta_ph->p_vaddr, ph, info.dlpi_phnum,
                      HOST_ARCH, (uint64_t)page, 0, &g.L, why, sizeof why)) {
    corrupt(why);
    return;
  }
  if (has_textrel(&info)) {
    corrupt("the executable has text relocations: images cannot be mapped "
            "from the file");
    return;
  }
  g.text = g.bias + g.L.text_vaddr;
  g.text_size = g.L.text_size;
  g.rodata = g.bias + g.L.rodata_vaddr;
  g.rodata_size = g.L.rodata_size;
  g.status = 0;
  g.nvariants = (int)g.L.nvariants;
  _melf_debug.text = g.text;
  _melf_debug.text_size = g.text_size;
  _melf_debug.rodata = g.rodata;
  _melf_debug.rodata_size = g.rodata_size;
  _melf_debug.nvariants = (uint32_t)g.nvariants;
  for (int i = 0; i < g.nvariants; i++)
    _melf_debug.names[i] = melf_variant_name(i);
  g.cpu = melf_cpu_features();
  for (int i = 0; i < g.nvariants; i++) {
    const struct melf_variant_rt *v = &g.L.v[i];
    g.supported[i] = i == 0 || v->arch == 0 ||
                     (v->arch == HOST_ARCH && (v->isa & ~g.cpu) == 0);
  }
  DBG("%d variants, text part [%p, +%lx), %u slots, load bias %lx",
      g.nvariants, (void *)g.text, (unsigned long)g.text_size, g.L.nslots,
      (unsigned long)g.bias);
  for (int i = 0; i < g.nvariants; i++)
    DBG("  variant %d '%s' image at file offset %lx%s", i, g.L.v[i].name,
        (unsigned long)g.L.v[i].text_off,
        g.supported[i] ? "" : " (not supported by this CPU)");
  if (g.nvariants == 1) {
    g.mode = MELF_MODE_NONE;
    return;
  }
  open_executable(meta, size, meta_ph->p_offset);
  if (g.fd >= 0) {
    struct stat st;
    if (fstat(g.fd, &st) == 0 &&
        melf_meta_parse(meta, size, meta_ph->p_vaddr, ph, info.dlpi_phnum,
                        HOST_ARCH, (uint64_t)page, (uint64_t)st.st_size, &g.L,
                        why, sizeof why)) {
      close(g.fd);
      g.fd = -1;
      g.nvariants = 1;
      g.text_size = 0;
      corrupt(why);
      return;
    }
  } else {
    DBG("%s", g.fd_why);
  }
  choose_mode();
  _melf_debug.mode = (uint32_t)g.mode;
  _melf_debug.executable = g.fd >= 0 ? "/proc/self/exe" : 0;
  _melf_debug_notify();
  pthread_atfork(before_fork, 0, after_fork_child);
}

static void apply_env_variant(void) {
  const char *want = melf_env("MELF_VARIANT");
  if (!want || !*want)
    return;
  if (g.status == MELF_ENOMELF) {
    say("MELF_VARIANT=%s: this program has no MELF variants", want);
    return;
  }
  if (g.status)
    return; /* already reported */
  int id = strcmp(want, "auto") == 0 ? melf_best_variant() : melf_variant_find(want);
  if (id < 0) {
    char list[256];
    size_t n = 0;
    for (int i = 0; i < g.nvariants; i++) {
      n = melf_fmt_str(list, sizeof list, n, i ? ", " : "");
      n = melf_fmt_str(list, sizeof list, n, melf_variant_name(i));
    }
    say("MELF_VARIANT=%s: no such variant (this program has: %s); running "
        "the default variant",
        want, list);
    return;
  }
  if (!g.supported[id]) {
    static const char *const names[] = MELF_X86_FEATURE_NAMES;
    char miss[256];
    size_t n = 0;
    uint64_t lack = g.L.v[id].isa & ~g.cpu;
    for (int b = 0; b < 64; b++)
      if (lack & MELF_BIT(b)) {
        n = melf_fmt_str(miss, sizeof miss, n, n ? "," : "");
        n = melf_fmt_str(miss, sizeof miss, n,
                         b < MELF_X86_FEATURE_COUNT && HOST_ARCH == MELF_ARCH_X86_64
                             ? names[b] : "unknown-feature");
      }
    if (!n)
      melf_fmt_str(miss, sizeof miss, 0, "another architecture");
    say("MELF_VARIANT=%s: this CPU lacks %s; running the default variant",
        want, miss);
    return;
  }
  int rc = melf_switch_process(id);
  if (rc && rc != MELF_ENOEXEC) /* ENOEXEC was reported by can_switch */
    say("MELF_VARIANT=%s: %s; running the default variant", want,
        melf_strerror(rc));
  else if (rc == 0)
    DBG("start-up variant '%s' (MELF_VARIANT=%s)", melf_variant_name(id), want);
}

__attribute__((constructor(101))) static void melf_init(void) {
  const char *d = melf_env("MELF_DEBUG");
  g.debug = d && *d && strcmp(d, "0") != 0;
  const char *c = melf_env("MELF_CHECK");
  atomic_store(&g_check, c && *c && strcmp(c, "0") != 0);
  discover();
  apply_env_variant();
}

/* Linking any MELF program with -lmelf pulls this object (and the
 * constructor above) in only if something refers to it: the symbol a linker
 * or compiler can reference for that (e.g. -Wl,-u,__melf_runtime). */
const int __melf_runtime = 1; /* MELF_RUNTIME_SYMBOL */
