/*
 * melf.h - the MELF runtime interface (libmelf).
 *
 * A MELF executable holds several compiled variants of its multivariant
 * functions, all at the same addresses. libmelf finds them at start-up and
 * switches which variant runs: for the whole process (every kernel) or per
 * thread (kernels with address-space views). docs/runtime.md has the full
 * reference; this header is the contract.
 *
 * Variant ids are 0 .. melf_variant_count() - 1; 0 is always "default".
 * Functions that can fail return a negative MELF_E* code (never abort, never
 * exit); melf_strerror() turns it into text. All functions are thread-safe.
 * "AS-safe" below means async-signal-safe: callable from a signal handler.
 *
 * Link with the line `melf-config --ldflags` prints (it ends in -lmelf).
 * ld.melf makes every MELF program refer to libmelf's start-up object
 * (MELF_RUNTIME_SYMBOL), so the archive is linked in even if the program
 * calls no melf_* function (docs/runtime.md).
 */
#ifndef MELF_H
#define MELF_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The name of the variant the calling function body was compiled as:
 * "default" in ordinary code and in the default body of a multivariant
 * function, the variant's name (e.g. "debug", "x86-64-v3") in its clones.
 * The MELF pass folds every call to a constant string, so this costs
 * nothing at run time and needs no library; code inside a multivariant
 * function can branch on it to behave differently per variant. Without the
 * plugin the call stays and resolves to libmelf's fallback definition, which
 * returns "default".
 * AS-safe.
 */
const char *melf_compiled_variant(void);

/* ---- Error codes (all negative) ---------------------------------------- */
#define MELF_EINVAL (-1)   /* bad argument: id out of range, NULL name      */
#define MELF_ENOENT (-2)   /* no variant of that name                        */
#define MELF_ENOTSUP (-3)  /* the CPU lacks ISA features the variant needs   */
#define MELF_ENOMELF (-4)  /* the executable has no MELF metadata            */
#define MELF_ECORRUPT (-5) /* MELF metadata corrupt or inconsistent; the
                              process runs the default variant               */
#define MELF_ENOEXEC (-6)  /* the executable file cannot be opened or is not
                              the running image (images cannot be mapped)    */
#define MELF_EBUSY (-7)    /* other threads could not be brought to a safe
                              point in time: nothing was switched            */
#define MELF_ENOVIEWS (-8) /* per-thread switch in a multi-threaded process
                              without kernel address-space views             */
#define MELF_EUNSAFE (-9)  /* checking mode: the calling thread's stack holds
                              a return address inside the MELF area          */
#define MELF_ESYS (-10)    /* a system call failed (errno is kept)           */
#define MELF_ELIMIT (-11)  /* too many threads for a process-wide switch     */
#define MELF_ELOCKED (-12) /* the calling thread is locked into its view
                              (melf_lock_thread)                           */

/* ---- Modes (melf_mode()) ------------------------------------------------ */
#define MELF_MODE_NONE 0    /* no switching: no metadata, corrupt, or only
                               the default variant                            */
#define MELF_MODE_PROCESS 1 /* stock kernel: switches remap the area for the
                               whole process                                  */
#define MELF_MODE_VIEWS 2   /* kernel address-space views: per-thread switch  */

/* ---- Enumeration -------------------------------------------------------- */

/* Number of variants, >= 1 (1: only "default", e.g. a program without MELF
 * metadata or with corrupt metadata). AS-safe. */
int melf_variant_count(void);

/* Name of variant `id`, or NULL if id is out of range. The string lives as
 * long as the process. AS-safe. */
const char *melf_variant_name(int id);

/* Id of the variant called `name`, MELF_ENOENT if there is none,
 * MELF_EINVAL for NULL. AS-safe. */
int melf_variant_find(const char *name);

/* 1 if this CPU can run variant `id` (it has every ISA feature the variant
 * requires), 0 if not, MELF_EINVAL for a bad id. AS-safe. */
int melf_variant_supported(int id);

/* The variant's MELF_VF_* flags (see <melf/abi.h>), or MELF_EINVAL. AS-safe. */
int melf_variant_flags(int id);

/* The best variant the calling thread can run: among the supported
 * variants that only differ by ISA level (no asan/debug/size flag), the one
 * requiring the most ISA features that every CPU in the thread's affinity
 * mask has ("Heterogeneous cores" below); 0 if none. Not AS-safe. */
int melf_best_variant(void);

/* ---- State -------------------------------------------------------------- */

/* MELF_MODE_NONE, MELF_MODE_PROCESS or MELF_MODE_VIEWS. AS-safe. */
int melf_mode(void);

/* Variant the calling thread runs. Process mode: the process's variant;
 * views mode: the variant of the thread's view. AS-safe. */
int melf_current_variant(void);

/* Outcome of start-up discovery: 0 (usable MELF metadata), MELF_ENOMELF
 * (the program has none: not a MELF program) or the problem found
 * (MELF_ECORRUPT: the process runs the default variant). AS-safe. */
int melf_status(void);

/* Human-readable text of the start-up problem, or NULL if there was none.
 * AS-safe. */
const char *melf_status_message(void);

/* ---- Switching ---------------------------------------------------------- */

/* Switch the calling thread to variant `id`: the thread runs that variant's
 * code from its next call of a multivariant function on.
 *  - views mode: the thread migrates to the variant's view (created on the
 *    first switch to it); other threads are not affected;
 *  - process mode: allowed while the process has one thread (then it is a
 *    process-wide switch), otherwise MELF_ENOVIEWS.
 * Errors: MELF_EINVAL, MELF_ENOTSUP, MELF_ENOMELF, MELF_ECORRUPT,
 * MELF_ENOEXEC, MELF_ENOVIEWS, MELF_EUNSAFE (checking mode), MELF_ESYS.
 * Not AS-safe. No allocation. */
int melf_switch_thread(int id);

/* Switch the whole process to variant `id` by mapping that variant's image
 * over the MELF text part. With other threads running, each is first
 * stopped at a safe point (a signal; its PC and stack must hold no address
 * inside the area); if that fails within a bounded time the call returns
 * MELF_EBUSY and nothing changed. In views mode this changes the base
 * view's image (the view threads start in); threads that migrated to other
 * views keep their variant.
 * Errors: as melf_switch_thread, plus MELF_EBUSY and MELF_ELIMIT.
 * Not AS-safe. No allocation. */
int melf_switch_process(int id);

/* Lock the calling thread into the view it runs in (views mode; not the
 * base view), for good: it can no longer switch (MELF_ELOCKED), map
 * executable memory, make memory executable, change its view's own
 * ranges or exec; threads it creates and children it forks are locked
 * too (the kernel's MMVIEW_LOCK, docs/kernel.md). Call it after
 * melf_switch_thread() to the variant the thread must keep.
 * Errors: MELF_ENOVIEWS (not views mode), MELF_EINVAL (the thread is in
 * the base view), MELF_ESYS. Not AS-safe. */
int melf_lock_thread(void);

/* ---- Record mode (MELF_RECORD=FILE) ------------------------------------ */

/* Writes the allow-list of record mode now: the names of the executable's
 * multivariant functions that the process called so far, one per line
 * (the file `ld.melf --melf-reduce=NAME:FILE` reads). `path` NULL: the
 * MELF_RECORD file (written again at exit); "%p" in it is the process id.
 * Errors: MELF_EINVAL (not recording), MELF_ESYS. Not AS-safe. */
int melf_record_write(const char *path);

/* ---- Checking mode ------------------------------------------------------ */

/* Enable (1) or disable (0) checking mode for every thread: a switch is
 * refused with MELF_EUNSAFE while the calling thread's stack holds a return
 * address inside the MELF area. MELF_CHECK=1 enables it at start-up.
 * Returns the previous setting. AS-safe. */
int melf_set_check(int on);

/* Scan the calling thread's stack now: 0 if it holds no address inside the
 * MELF text part, MELF_EUNSAFE if it does, MELF_ESYS if the stack bounds
 * cannot be found (/proc/self/maps). The scan is conservative (every aligned
 * word from the stack pointer to the top of the stack mapping), so a stale
 * value can give a false MELF_EUNSAFE, never a false 0. Not AS-safe. */
int melf_check_stack(void);

/* ---- Heterogeneous cores ------------------------------------------------ */

/* Core types (melf_cpu_core_type). */
#define MELF_CORE_UNKNOWN 0 /* no hybrid topology information              */
#define MELF_CORE_BIG 1     /* x86 cpu_core, arm64 largest cpu_capacity    */
#define MELF_CORE_LITTLE 2  /* x86 cpu_atom, arm64 smaller capacity        */

/* Per-CPU ISA features come from /proc/cpuinfo (MELF_TOPOLOGY_ROOT
 * replaces "/" for tests), read once when first needed: a thread may run a
 * variant only if every CPU in its affinity mask can. melf_best_variant()
 * and `auto` answer for the calling thread's mask; melf_switch_thread()
 * refuses a variant some CPU of the mask cannot run (MELF_ENOTSUP). */

/* Switch the calling thread to melf_best_variant(); call it again after
 * the thread's affinity changed, and its variant follows. Returns the
 * variant id, or an error of melf_switch_thread. Not AS-safe. */
int melf_thread_auto(void);

/* sched_setaffinity(0, size, cpuset) for the calling thread (cpuset is a
 * cpu_set_t), then melf_thread_auto(). Returns the variant id, MELF_EINVAL,
 * MELF_ESYS, or an error of melf_switch_thread. Not AS-safe. */
int melf_set_affinity(const void *cpuset, unsigned long size);

/* Restrict the calling thread's affinity to the CPUs of its mask that can
 * run variant `id`, then switch to it: 0, MELF_EINVAL, MELF_ENOTSUP (no
 * such CPU), MELF_ESYS, or an error of melf_switch_thread. Not AS-safe. */
int melf_pin_to_variant(int id);

/* MELF_CORE_* of CPU `cpu`, or MELF_EINVAL. Not AS-safe. */
int melf_cpu_core_type(int cpu);

/* ---- Modules ------------------------------------------------------------ */

/* A MELF module: the executable or a shared library with MELF variants
 * (loaded at start-up or by dlopen). Variant ids are process-wide: a
 * variant is a name, and switching to it runs that variant in every module
 * that has it and the default code in the others. */
struct melf_module_info {
  char name[200];     /* "the executable", or the path the loader used    */
  int is_executable;
  int usable;         /* 1 if its images can be mapped; 0: it runs its
                         default code (only default, or its file could not
                         be opened)                                         */
  int nvariants;      /* the module's own variants, default included       */
  int variant;        /* process id of the variant its base image runs     */
  unsigned long long variants; /* bit g: the module has process variant g */
  unsigned long base; /* load bias                                          */
  unsigned long area, area_size; /* run-time address and size of its text
                                    part                                  */
};

/* Number of MELF modules now loaded. Not AS-safe. */
int melf_module_count(void);

/* Copies what is known of module `index` (0 .. melf_module_count() - 1, in
 * load order; a dlclose shifts the later ones down) to *out: 0, or
 * MELF_EINVAL. Not AS-safe. */
int melf_module_info(int index, struct melf_module_info *out);

/* ---- Errors ------------------------------------------------------------- */

/* Text of a MELF_E* code ("success" for 0, "unknown error" otherwise).
 * AS-safe. */
const char *melf_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif /* MELF_H */
