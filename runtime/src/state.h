/*
 * state.h - the run-time state libmelf's files share, and the small helpers
 * all of them use. The metadata parser (meta.c) does not need it: its
 * interface, internal.h, is also compiled into melf-objdump.
 *
 * Include after defining _GNU_SOURCE (syscall(), pid_t, dev_t).
 *
 * Ownership:
 *  - startup.c defines melf_rt and fills it once, in the constructor, before
 *    main and before any other thread exists; afterwards the API only reads
 *    it.
 *  - The switch paths (switch.c, image.c) run under switch.c's lock; they
 *    alone change melf_rt.view_of[] and melf_process_variant after start-up.
 *  - Nothing here allocates: every switch path works on this static state
 *    and on buffers on its stack.
 */
#ifndef MELF_STATE_H
#define MELF_STATE_H

#include "internal.h"
#include <melf.h>
#include <melf/mmview.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

/* The mmview system call (address-space views), see docs/runtime.md. */
#ifndef MELF_SYS_MMVIEW
#define MELF_SYS_MMVIEW (-1) /* no number on this architecture: no views */
#endif

struct melf_runtime {
  int status;         /* 0, MELF_ENOMELF, MELF_ECORRUPT, ...              */
  char msg[320];      /* start-up problem, "" if none                     */
  int mode;           /* MELF_MODE_*                                       */
  int nvariants;      /* >= 1                                              */
  struct melf_layout layout; /* the validated metadata (link-time addresses) */
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
};

/*
 * Defined in startup.c, next to the constructor: every object of the
 * archive that implements part of the API refers to melf_rt, so a static
 * link that uses any melf_* function also links the start-up code.
 */
MELF_HIDDEN extern struct melf_runtime melf_rt;
MELF_HIDDEN extern _Atomic int melf_process_variant; /* of the (base) image */
MELF_HIDDEN extern _Atomic int melf_checking; /* checking mode (MELF_CHECK) */

/* ---- Debugger interface (debug.c, include/melf/abi.h) ------------------- */

__attribute__((visibility("default"))) extern struct melf_debug _melf_debug;
__attribute__((visibility("default"))) void _melf_debug_notify(void);
/* Records that thread `tid` runs `variant` (views mode; under the lock). */
MELF_HIDDEN void melf_debug_set_thread(pid_t tid, int variant);

/* ---- Messages (sys.c): write(2), no stdio ------------------------------- */

/* One line "melf: ..." on standard error; keeps errno. */
MELF_HIDDEN void melf_say(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
/* A message only under MELF_DEBUG. */
#define DBG(...)                                                               \
  do {                                                                         \
    if (melf_rt.debug)                                                         \
      melf_say(__VA_ARGS__);                                                   \
  } while (0)

/* ---- /proc readers (procfs.c): no allocation ---------------------------- */

struct melf_reader {
  int fd;
  size_t len, pos;
  char buf[2048];
};

/* Next mapping of /proc/self/maps: [lo, hi), readable. 0 at the end. */
MELF_HIDDEN int melf_next_mapping(struct melf_reader *r, uintptr_t *lo,
                                  uintptr_t *hi, int *readable);
/* Does [from, to) hold a word inside the text part? */
MELF_HIDDEN int melf_scan_words(uintptr_t from, uintptr_t to);
/* Threads of this process other than `self`: fills tids[0..cap), returns the
 * total number, or -1 without /proc. */
MELF_HIDDEN int melf_list_threads(pid_t self, pid_t *tids, int cap);
/* Seccomp state from /proc/self/status: 0 off, >0 on, -1 unknown. */
MELF_HIDDEN int melf_seccomp_state(void);

/* ---- Variant images (image.c) ------------------------------------------- */

/* Maps variant `id`'s image over the area in the calling thread's view:
 * 0 or MELF_ESYS. */
MELF_HIDDEN int melf_map_image(int id);
/* Common checks of a switch request (under the lock): 0 to go on, 1 when
 * there is nothing to do, or an error. */
MELF_HIDDEN int melf_can_switch(int id);

/* ---- Safe points (safepoint.c) ------------------------------------------ */

/* Installs the safe-point signal handler (once): 0, MELF_EBUSY (the signal
 * is taken) or MELF_ESYS. */
MELF_HIDDEN int melf_safepoint_install(void);
/* Stops all other threads at safe points, runs fn(arg), releases them.
 * Returns fn's result, MELF_EBUSY or MELF_ELIMIT. */
MELF_HIDDEN int melf_stop_world_and(pid_t self, int (*fn)(int), int arg,
                                    long deadline, int *attempts);

/* ---- System calls ------------------------------------------------------- */

static inline long melf_mmview(long op, long a, long b) {
  return syscall(MELF_SYS_MMVIEW, op, a, b);
}

static inline pid_t melf_gettid(void) { return (pid_t)syscall(SYS_gettid); }

static inline long melf_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

#endif
