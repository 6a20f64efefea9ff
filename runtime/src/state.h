/*
 * state.h - the run-time state libmelf's files share, and the small helpers
 * all of them use. The metadata parser (meta.c) does not need it: its
 * interface, internal.h, is also compiled into melf-objdump.
 *
 * Include after defining _GNU_SOURCE (syscall(), pid_t, dev_t).
 *
 * Ownership:
 *  - startup.c defines melf_rt and fills it once, in the constructor, before
 *    main and before any other thread exists.
 *  - Afterwards the switch paths (switch.c, image.c) and module events
 *    (modules.c) run under switch.c's lock; they alone change melf_rt
 *    (modules come and go, process variants are only ever added: an id
 *    keeps its name for the life of the process) and melf_process_variant.
 *    The read-only API reads without the lock: a module's record is
 *    published in mod[] only when complete.
 *  - Switch paths allocate nothing; a library's module record is one
 *    anonymous mapping, made when it loads and unmapped when it unloads.
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

/* The ELF machine of the code libmelf runs (MELF_ARCH_*). */
#if defined(__x86_64__)
#define HOST_ARCH MELF_ARCH_X86_64
#elif defined(__aarch64__)
#define HOST_ARCH MELF_ARCH_AARCH64
#else
#define HOST_ARCH 0u
#endif

/* The mmview system call (address-space views), see docs/runtime.md. */
#ifndef MELF_SYS_MMVIEW
#define MELF_SYS_MMVIEW (-1) /* no number on this architecture: no views */
#endif

/*
 * One MELF module: the executable or a shared library with usable
 * metadata (docs/melf-abi.md, "Modules"). Its variants have their own ids
 * (`layout.v[]`, 0 = default); `local[g]` maps a process-wide variant id g
 * (a name, melf_rt.var[g]) to the module's id, 0 where the module has no
 * variant of that name or the CPU cannot run it.
 */
struct melf_module {
  uintptr_t bias, lo, hi; /* load bias; [lo, hi) spans its PT_LOADs      */
  uintptr_t text, rodata; /* run-time addresses of the per-image parts  */
  size_t text_size, rodata_size;
  struct melf_layout layout; /* validated metadata (link-time addresses)  */
  const unsigned char *meta; /* its .melf.meta in memory (read-only)      */
  unsigned char local[MELF_MAX_VARIANTS];
  int mapped;     /* module id of the image in the base view             */
  int per_view;   /* views mode: the area is unshared (one image per view) */
  int fd;         /* the module's file, O_RDONLY|O_CLOEXEC, or -1        */
  int fd_reported;
  dev_t dev;
  ino_t ino;
  char fd_why[160];
  char name[200]; /* "the executable", or the library's path            */
  char label[208]; /* messages start with it: "" or "<path>: "          */
};

/* A process-wide variant: a name and what the first module that has it
 * says of it; supported: every module that has it can run it here. */
struct melf_pvariant {
  char name[MELF_NAME_MAX];
  uint64_t isa;
  uint32_t arch, flags;
  unsigned char supported;
};

#define MELF_MAX_MODULES 64

struct melf_runtime {
  int status;         /* 0, MELF_ENOMELF, MELF_ECORRUPT, ... (executable) */
  char msg[320];      /* start-up problem, "" if none                     */
  int mode;           /* MELF_MODE_*                                       */
  int nvariants;      /* process-wide variants (names), >= 1              */
  struct melf_pvariant var[MELF_MAX_VARIANTS];
  uint64_t cpu;
  int debug;
  int nmods;          /* modules in mod[], in load order                   */
  struct melf_module *exe; /* the executable's module, or NULL             */
  struct melf_module *mod[MELF_MAX_MODULES];
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

/* ---- Instrumented variants (hook.c) ------------------------------------- */

/* Calls MELF_VARIANT_HOOK_SYMBOL, if defined, with `scope`
 * (MELF_HOOK_*) and the flags of process variant `id`. */
MELF_HIDDEN void melf_hook_variant(int scope, int id);

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

/* Next byte of the reader's file, or -1 at the end (EINTR retried). */
MELF_HIDDEN int melf_read_char(struct melf_reader *r);
/* Next mapping of /proc/self/maps: [lo, hi), readable. 0 at the end. */
MELF_HIDDEN int melf_next_mapping(struct melf_reader *r, uintptr_t *lo,
                                  uintptr_t *hi, int *readable);
/* melf_check_stack with the switch lock held (the switch paths). */
MELF_HIDDEN int melf_check_stack_locked(void);
/* Does [from, to) hold a word inside a module's text part? Under the
 * switch lock. */
MELF_HIDDEN int melf_scan_words(uintptr_t from, uintptr_t to);
/* Threads of this process other than `self`: fills tids[0..cap), returns the
 * total number, or -1 without /proc. */
MELF_HIDDEN int melf_list_threads(pid_t self, pid_t *tids, int cap);
/* Is `tid` a thread of a user-mode emulator (qemu-user's own helper
 * threads, which run no guest code)? Never on a native kernel
 * (emulator.c). */
MELF_HIDDEN int melf_emulator_thread(pid_t tid);
/* Seccomp state from /proc/self/status: 0 off, >0 on, -1 unknown. */
MELF_HIDDEN int melf_seccomp_state(void);

/* ---- Modules (modules.c) ------------------------------------------------ */

/* Start-up: every loaded object with metadata becomes a module (the
 * executable's problems go to melf_rt.status/msg, a library's to one
 * message naming it). Also on each module event (under the switch lock). */
MELF_HIDDEN void melf_scan_modules(void);
/* Start-up, views mode: the area of every module becomes per view: 0, or
 * -1 with errno set. */
MELF_HIDDEN int melf_views_unshare_all(void);
/* Is `a` inside the text part of a module? Under the switch lock (module
 * records come and go with dlopen and dlclose). */
MELF_HIDDEN int melf_in_area(uintptr_t a);
/* The switch lock (switch.c): switches, module events. */
MELF_HIDDEN void melf_lock(void);
MELF_HIDDEN void melf_unlock(void);
/* Runs once, from whichever comes first: libmelf's constructor or a
 * library's module event (library constructors run before the
 * executable's). */
MELF_HIDDEN void melf_init_once(void);
/* A hidden alias of this copy's __melf_module_event (modules.c). */
MELF_HIDDEN void melf_module_event_here(int event, const void *addr);
/* Views or process mode, once there are variants (startup.c). */
MELF_HIDDEN void melf_choose_mode(void);
/* New modules joined (under the lock): a MELF_VARIANT name that no module
 * had at start-up is applied once one has it (startup.c). */
MELF_HIDDEN void melf_env_variant_joined(void);
/* melf_switch_process with the switch lock held. */
MELF_HIDDEN int melf_switch_process_locked(int id);

/* ---- Variant images (image.c) ------------------------------------------- */

/* Maps process variant `id`'s images over every module's area in the
 * calling thread's view (`base`: the base view, whose images melf_module
 * .mapped records): 0 or MELF_ESYS. */
MELF_HIDDEN int melf_map_image(int id, int base);
/* Maps module-local variant `local` of module `m` in the calling thread's
 * view: 0 or MELF_ESYS. */
MELF_HIDDEN int melf_map_module(struct melf_module *m, int local);
/* Can module `m` map images (reports a problem once)? */
MELF_HIDDEN int melf_module_usable(struct melf_module *m);
/* Common checks of a switch request (under the lock): 0 to go on, 1 when
 * there is nothing to do, or an error. */
MELF_HIDDEN int melf_can_switch(int id);

/* ---- Slots of a module (slots.c): async-signal-safe readers ------------ */

/* Code of the host architecture that fills trap padding and the bodies of
 * functions a reduced variant removed (docs/melf-abi.md 4). */
#if defined(__aarch64__)
#define MELF_TRAP_UNIT 4u
#else
#define MELF_TRAP_UNIT 1u
#endif

/* One slot, run-time addresses: the body the module's variant `local` has
 * there covers [entry - body_prefix, entry + body_size). */
struct melf_slot_info {
  uint32_t index;
  uintptr_t entry, start, end; /* slot [start, end), entry inside it */
  uint32_t body_size, body_prefix;
  const char *name;
};

/* The module whose text part holds `a`, or NULL (no lock: the signal
 * handlers read the module table as it is). */
MELF_HIDDEN struct melf_module *melf_module_of_text(uintptr_t a);
/* Slot `s` of module `m` with variant `local`'s body: 0, or -1 if out of
 * range. */
MELF_HIDDEN int melf_slot_get(const struct melf_module *m, uint32_t s,
                              int local, struct melf_slot_info *out);
/* The slot of `m` that covers `a` (prefix included): its index, or -1;
 * with `before`/`after` (may be NULL) the nearest slots on either side of
 * an address no slot covers (-1 where there is none). */
MELF_HIDDEN int melf_slot_find(const struct melf_module *m, uintptr_t a,
                               int *before, int *after);
/* The module-local variant whose image the calling thread runs in `m`. */
MELF_HIDDEN int melf_thread_image(const struct melf_module *m);
/* Is the trap instruction at `a` (readable memory)? */
MELF_HIDDEN int melf_is_trap_at(uintptr_t a);

/* ---- Traps and record mode (trap.c, record.c) --------------------------- */

/* Start-up: installs the handler that names a trap in a MELF area (once). */
MELF_HIDDEN void melf_trap_install(void);
/* Start-up (switch lock held): MELF_RECORD=FILE starts record mode. */
MELF_HIDDEN void melf_record_start(void);
/* Record mode maps module `m`'s images writable as well (PROT_WRITE), to
 * arm and restore entries; 0 otherwise. */
MELF_HIDDEN int melf_record_prot(const struct melf_module *m);
/* After `m`'s image was mapped in the calling thread's view: arms every
 * entry of a function not yet called (record mode only). */
MELF_HIDDEN void melf_record_arm(const struct melf_module *m);
/* From the trap handler: a record trap at `pc` in `m` is restored and the
 * function recorded: 1 (the thread retries the instruction), else 0. */
MELF_HIDDEN int melf_record_trap(const struct melf_module *m, uintptr_t pc);

/* ---- Heterogeneous cores (topology.c) ----------------------------------- */

/* ISA features every CPU in the calling thread's affinity mask has. */
MELF_HIDDEN uint64_t melf_thread_features(void);
/* May the calling thread run variant `id` on every CPU it may run on? */
MELF_HIDDEN int melf_thread_may_run(int id);

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
