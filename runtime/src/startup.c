/*
 * startup.c - libmelf's start-up: a constructor, static and dynamic, PIE or
 * not.
 *
 *   CPU features -> the modules (modules.c: the executable and every
 *   library with metadata) -> mode (probe mmview, MELF_MODE) -> MELF_VARIANT.
 *
 * One runtime per process: the executable's (libmelf.a, its symbols
 * exported by ld.melf) or else the shared libmelf.so.0 that MELF libraries
 * need. A libmelf.so.0 loaded next to an executable's runtime stays
 * passive: libraries bind to the executable's symbols.
 *
 * This object also defines the shared state (state.h) and __melf_runtime,
 * the symbol a link refers to so that -lmelf brings the constructor in.
 */
#define _GNU_SOURCE
#include "state.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

/* Defined here, with the constructor that fills them (see state.h: every
 * API object refers to melf_rt, so it brings this object in). */
struct melf_runtime melf_rt = {.nvariants = 1,
                               .var = {{.name = MELF_DEFAULT_VARIANT,
                                        .supported = 1}}};
_Atomic int melf_process_variant;
_Atomic int melf_checking;

/* 1 if the kernel has address-space views; never makes an unknown system
 * call under a seccomp filter. */
static int probe_views(const char **why) {
  int s = melf_seccomp_state();
  if (s != 0) {
    *why = s < 0 ? "seccomp state unknown, not probing"
                 : "seccomp is active, not probing";
    return 0;
  }
  long r = melf_mmview(MMVIEW_CURRENT, 0, 0);
  if (r >= 0) {
    *why = "mmview present";
    return 1;
  }
  *why = errno == ENOSYS ? "no mmview system call (ENOSYS)"
         : errno == EPERM ? "mmview not permitted (EPERM)"
                          : "mmview probe failed";
  return 0;
}

/* Views mode if the kernel has views and MELF_MODE does not say process,
 * else process mode. */
void melf_choose_mode(void) {
  const char *env = melf_env("MELF_MODE"), *why = "";
  int want = MELF_MODE_NONE; /* no mode asked for: probe the kernel */
  if (env && *env) {
    if (!strcmp(env, "process"))
      want = MELF_MODE_PROCESS;
    else if (!strcmp(env, "views"))
      want = MELF_MODE_VIEWS;
    else
      melf_say("MELF_MODE=%s: expected 'process' or 'views'; probing the "
               "kernel", env);
  }
  int views = want == MELF_MODE_PROCESS ? 0 : probe_views(&why);
  if (want == MELF_MODE_VIEWS && !views)
    melf_say("MELF_MODE=views: this kernel has no address-space views (%s); "
             "using process mode",
             why);
  melf_rt.mode = views ? MELF_MODE_VIEWS : MELF_MODE_PROCESS;
  if (views && melf_views_unshare_all() != 0) {
    /* (already unshared ranges stay per view, with the same images) */
    melf_say("cannot unshare the MELF area (%s); using process mode",
             strerror(errno));
    melf_rt.mode = MELF_MODE_PROCESS;
  }
  DBG("mode %s (%s)", melf_rt.mode == MELF_MODE_VIEWS ? "views" : "process",
      want == MELF_MODE_PROCESS ? "MELF_MODE=process" : why);
}

/* The forking thread's variant, recorded before fork: in the child the
 * kernel reports view 0 whatever view the parent thread was in. */
static int fork_variant;
static void before_fork(void) { fork_variant = melf_current_variant(); }

static void after_fork_child(void) {
  /* fork gives the child a single view, a copy of the forking thread's. */
  int cur = fork_variant;
  for (int i = 0; i < MELF_MAX_VARIANTS; i++)
    melf_rt.view_of[i] = -1;
  melf_rt.view_of[cur] = 0;
  atomic_store(&melf_process_variant, cur);
  for (int i = 0; i < melf_rt.nmods; i++)
    melf_rt.mod[i]->mapped = melf_rt.mod[i]->local[cur];
  melf_hook_variant(MELF_HOOK_BASE, cur);
  melf_hook_variant(MELF_HOOK_THREAD_BASE, cur);
  _melf_debug.process_variant = cur;
  _melf_debug.nthreads = 0;
  memset(_melf_debug.threads, 0, sizeof _melf_debug.threads);
}

/* Finds the modules (modules.c) and chooses the mode. On any problem with
 * the executable's metadata melf_rt says so (status, msg) and it runs its
 * default code; a library's problem only concerns that library. */
static void discover(void) {
  melf_rt.status = MELF_ENOMELF;
  for (int i = 0; i < MELF_MAX_VARIANTS; i++)
    melf_rt.view_of[i] = -1;
  melf_rt.view_of[0] = 0;
  melf_rt.cpu = melf_cpu_features();
  melf_scan_modules();
  pthread_atfork(before_fork, 0, after_fork_child);
  if (melf_rt.nmods == 0) {
    DBG("no PT_MELF_META: no MELF module");
    return;
  }
  melf_trap_install(); /* a trap in an area gets its message (trap.c) */
  for (int i = 0; i < melf_rt.nvariants; i++)
    _melf_debug.names[i] = melf_rt.var[i].name;
  _melf_debug.nvariants = (uint32_t)melf_rt.nvariants;
  if (melf_rt.exe) { /* the debugger interface describes its area */
    _melf_debug.text = melf_rt.exe->text;
    _melf_debug.text_size = melf_rt.exe->text_size;
    _melf_debug.rodata = melf_rt.exe->rodata;
    _melf_debug.rodata_size = melf_rt.exe->rodata_size;
    _melf_debug.executable = melf_rt.exe->fd >= 0 ? "/proc/self/exe" : 0;
  }
  if (melf_rt.nvariants == 1)
    return; /* only default code: mode none */
  melf_choose_mode();
  _melf_debug.mode = (uint32_t)melf_rt.mode;
  _melf_debug_notify();
}

/* A MELF_VARIANT name no module had at start-up: applied when a library
 * that has it is loaded (dlopen). */
static char pending[MELF_NAME_MAX];

/* Switches the process (the switch lock held) to the MELF_VARIANT choice. */
static void env_switch(int id, const char *want, const char *when) {
  int rc = melf_switch_process_locked(id);
  if (rc && rc != MELF_ENOEXEC) /* ENOEXEC was reported by melf_can_switch */
    melf_say("MELF_VARIANT=%s: %s; running the default variant", want,
             melf_strerror(rc));
  else if (rc == 0)
    DBG("%s variant '%s' (MELF_VARIANT=%s)", when, melf_variant_name(id), want);
}

/* The variant lacks CPU features: say which. */
static void say_unsupported(int id, const char *want) {
  char miss[256];
  size_t n = 0;
  uint64_t lack = melf_rt.var[id].isa & ~melf_rt.cpu;
  for (int b = 0; b < 64; b++)
    if (lack & MELF_BIT(b)) {
      n = melf_fmt_str(miss, sizeof miss, n, n ? "," : "");
      n = melf_fmt_str(miss, sizeof miss, n,
                       melf_isa_feature_name(HOST_ARCH, (unsigned)b)
                           ? melf_isa_feature_name(HOST_ARCH, (unsigned)b)
                           : "unknown-feature");
    }
  if (!n)
    melf_fmt_str(miss, sizeof miss, 0, "another architecture");
  melf_say("MELF_VARIANT=%s: this CPU lacks %s; running the default variant",
           want, miss);
}

/* MELF_VARIANT=name|auto: the variant to run from the start. */
static void apply_env_variant(void) {
  const char *want = melf_env("MELF_VARIANT");
  if (!want || !*want)
    return;
  int is_auto = strcmp(want, "auto") == 0;
  if (!is_auto && strlen(want) < sizeof pending)
    memcpy(pending, want, strlen(want) + 1);
  if (melf_rt.nmods == 0) {
    if (melf_rt.status == MELF_ENOMELF)
      melf_say("MELF_VARIANT=%s: this program has no MELF variants", want);
    return; /* a corrupt executable was reported */
  }
  int id = is_auto ? melf_best_variant() : melf_variant_find(want);
  if (id < 0) {
    char list[256];
    size_t n = 0;
    for (int i = 0; i < melf_rt.nvariants; i++) {
      n = melf_fmt_str(list, sizeof list, n, i ? ", " : "");
      n = melf_fmt_str(list, sizeof list, n, melf_variant_name(i));
    }
    melf_say("MELF_VARIANT=%s: no such variant (this program has: %s); "
             "running the default variant",
             want, list);
    return;
  }
  pending[0] = 0;
  if (!melf_rt.var[id].supported) {
    say_unsupported(id, want);
    return;
  }
  env_switch(id, want, "start-up");
}

void melf_env_variant_joined(void) {
  if (!pending[0])
    return;
  int id = melf_variant_find(pending);
  if (id < 0)
    return;
  char want[MELF_NAME_MAX];
  memcpy(want, pending, sizeof want);
  pending[0] = 0;
  if (melf_rt.var[id].supported)
    env_switch(id, want, "a library brings");
  else
    say_unsupported(id, want);
}

/* Is this copy of libmelf the process's runtime? The shared library is
 * not when the executable has its own (static) runtime: then the
 * executable's symbols come first in the global scope. */
static int is_process_runtime(void) {
#ifdef MELF_SHARED_RUNTIME
  void *first = dlsym(RTLD_DEFAULT, MELF_MODULE_EVENT_SYMBOL);
  return !first || first == (void *)&melf_module_event_here;
#else
  return 1;
#endif
}

static _Atomic int init_state; /* 0 not yet, 1 running or done */

void melf_init_once(void) {
  int expect = 0;
  if (!atomic_compare_exchange_strong(&init_state, &expect, 1))
    return;
  if (!is_process_runtime())
    return; /* passive: no modules, mode none; nobody binds to us */
  const char *d = melf_env("MELF_DEBUG");
  melf_rt.debug = d && *d && strcmp(d, "0") != 0;
  const char *c = melf_env("MELF_CHECK");
  atomic_store(&melf_checking, c && *c && strcmp(c, "0") != 0);
  melf_lock();
  discover();
  apply_env_variant();
  melf_record_start(); /* MELF_RECORD (record.c) */
  melf_unlock();
}

__attribute__((constructor(101))) static void melf_init(void) {
  melf_init_once();
}

/* Linking any MELF program with -lmelf pulls this object (and the
 * constructor above) in only if something refers to it: the symbol a linker
 * or compiler can reference for that (e.g. -Wl,-u,__melf_runtime). */
const int __melf_runtime = 1; /* MELF_RUNTIME_SYMBOL */
