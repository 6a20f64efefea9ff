/*
 * debug.c - the debugger interface (include/melf/abi.h, docs/debugging.md).
 *
 * In the style of r_debug and the GDB JIT interface: debuggers find the
 * structure _melf_debug by name (libmelf is built with -g, they read it by
 * field name), break on _melf_debug_notify and re-read the structure there.
 * Start-up (startup.c) fills the layout fields; the switch paths
 * (switch.c) update the variant fields and call the notifier after every
 * change.
 */
#define _GNU_SOURCE
#include "state.h"

__attribute__((visibility("default"))) struct melf_debug _melf_debug = {
    .version = MELF_DEBUG_VERSION};

/* Debuggers break here; called after every change of _melf_debug. */
__attribute__((noinline, visibility("default"))) void _melf_debug_notify(void) {
  __asm__ volatile("" ::: "memory");
}

/* Records that thread `tid` runs `variant` (views mode). Lock-free, since
 * per-thread switches to existing views take no lock: a thread finds its
 * own slot, or claims a free one by its tid; nthreads only grows. */
void melf_debug_set_thread(pid_t tid, int variant) {
  struct melf_debug_thread *t = _melf_debug.threads;
  uint32_t n = __atomic_load_n(&_melf_debug.nthreads, __ATOMIC_ACQUIRE);
  for (uint32_t i = 0; i < n; i++)
    if (__atomic_load_n(&t[i].tid, __ATOMIC_RELAXED) == tid) {
      __atomic_store_n(&t[i].variant, variant, __ATOMIC_RELEASE);
      return;
    }
  for (uint32_t i = 0; i < MELF_DEBUG_MAX_THREADS; i++) {
    int32_t free_tid = 0;
    if (!__atomic_compare_exchange_n(&t[i].tid, &free_tid, tid, 0,
                                     __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
      continue;
    __atomic_store_n(&t[i].variant, variant, __ATOMIC_RELEASE);
    uint32_t want = i + 1;
    while (n < want && !__atomic_compare_exchange_n(&_melf_debug.nthreads, &n,
                                                    want, 0, __ATOMIC_ACQ_REL,
                                                    __ATOMIC_ACQUIRE))
      ;
    return;
  }
  /* full: the debugger shows the base variant for the rest */
}
