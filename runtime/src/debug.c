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

/* Records that thread `tid` runs `variant` (views mode; under the switch
 * lock). Reuses the slot of `tid`, else the first free one. */
void melf_debug_set_thread(pid_t tid, int variant) {
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
