/*
 * switch.c - switching variants: melf_switch_process and melf_switch_thread.
 *
 * Process mode remaps the area for the whole process: alone, or with every
 * other thread held at a safe point (safepoint.c). Views mode maps each
 * variant's image once, in a view of its own (created on the first switch
 * to it), and a per-thread switch migrates the calling thread there; a
 * process-wide switch remaps the base view, the view threads start in.
 *
 * Switches are serialised by switch_lock and allocate nothing, except a
 * per-thread switch to a variant whose view exists: that only moves the
 * calling thread, takes no lock, and threads switching at once do not wait
 * for each other. (A variant's own view, once made, is never remapped or
 * deleted; the base view's variant changes, so a switch to it locks.)
 */
#define _GNU_SOURCE
#include "state.h"
#include <errno.h>
#include <pthread.h>
#include <string.h>

#define SWITCH_BUDGET_NS 500000000L /* bounded wait for safe points: 0.5 s  */

static pthread_mutex_t switch_lock = PTHREAD_MUTEX_INITIALIZER;

/* Set by melf_lock_thread; threads a locked thread creates are locked by
 * the kernel too, which then refuses their view operations with EPERM. */
static __thread int thread_locked;

void melf_lock(void) { pthread_mutex_lock(&switch_lock); }
void melf_unlock(void) { pthread_mutex_unlock(&switch_lock); }

/* Maps variant `id` over the base view (the calling thread visits it in
 * views mode), telling debuggers before and after. The callback of
 * melf_stop_world_and: every other thread is at a safe point. */
static int remap_base(int id) {
  long prev = -1;
  if (melf_rt.mode == MELF_MODE_VIEWS) {
    prev = melf_mmview(MMVIEW_MIGRATE, 0, 0);
    if (prev < 0)
      return MELF_ESYS;
  }
  _melf_debug.state = MELF_DEBUG_REMAP_BEGIN;
  _melf_debug_notify(); /* breakpoints in the area come out now */
  int rc = melf_map_image(id, 1);
  if (rc == 0)
    _melf_debug.process_variant = id;
  _melf_debug.state = MELF_DEBUG_CONSISTENT;
  _melf_debug_notify();
  if (prev > 0)
    melf_mmview(MMVIEW_MIGRATE, prev, 0);
  if (rc == 0) {
    int old = atomic_exchange(&melf_process_variant, id);
    melf_hook_variant(MELF_HOOK_BASE, id); /* before other threads resume */
    if (melf_rt.mode == MELF_MODE_VIEWS) {
      if (melf_rt.view_of[old] == 0)
        melf_rt.view_of[old] = -1;
      if (melf_rt.view_of[id] < 0)
        melf_rt.view_of[id] = 0;
    }
  }
  return rc;
}

static int switch_process_locked(int id, const char *what) {
  if (atomic_load(&melf_checking) && melf_check_stack_locked() == MELF_EUNSAFE)
    return MELF_EUNSAFE;
  if (id == atomic_load(&melf_process_variant))
    return 0;
  pid_t self = melf_gettid();
  int others = melf_list_threads(self, 0, 0);
  long t0 = melf_now_ns();
  int rc;
  if (others == 0) {
    rc = remap_base(id);
  } else {
    rc = melf_safepoint_install();
    int attempts = 0;
    if (rc == 0)
      rc = melf_stop_world_and(self, remap_base, id, t0 + SWITCH_BUDGET_NS,
                               &attempts);
    if (rc == MELF_EBUSY)
      DBG("%s to '%s': busy (%d other threads, %d re-signals)", what,
          melf_variant_name(id), others, attempts);
  }
  if (rc == 0)
    DBG("%s to '%s' (id %d) in %ld us", what, melf_variant_name(id), id,
        (melf_now_ns() - t0) / 1000);
  else if (rc == MELF_ESYS)
    melf_say("%s to '%s' failed: %s", what, melf_variant_name(id),
             strerror(errno));
  return rc;
}

int melf_switch_process_locked(int id) {
  int rc = melf_can_switch(id);
  if (rc == 0)
    rc = switch_process_locked(id, "process switch");
  return rc == 1 ? 0 : rc;
}

int melf_switch_process(int id) {
  melf_init_once();
  if (thread_locked)
    return MELF_ELOCKED;
  pthread_mutex_lock(&switch_lock);
  int rc = melf_switch_process_locked(id);
  pthread_mutex_unlock(&switch_lock);
  return rc;
}

/* Moves the calling thread to view `v`, variant `id`'s (checking mode:
 * the caller checked the stack). */
static int migrate_to(int id, long v) {
  if (melf_mmview(MMVIEW_MIGRATE, v, 0) < 0)
    return errno == EPERM ? MELF_ELOCKED : MELF_ESYS;
  melf_debug_set_thread(melf_gettid(), id);
  melf_hook_variant(v == 0 ? MELF_HOOK_THREAD_BASE : MELF_HOOK_THREAD, id);
  _melf_debug_notify();
  DBG("thread %d switched to '%s' (view %ld)", (int)melf_gettid(),
      melf_variant_name(id), v);
  return 0;
}

static int switch_thread_views(int id) {
  if (atomic_load(&melf_checking) && melf_check_stack_locked() == MELF_EUNSAFE)
    return MELF_EUNSAFE;
  if (melf_rt.view_of[id] < 0) {
    long v = melf_mmview(MMVIEW_CREATE, 0, 0);
    if (v < 0)
      return MELF_ESYS;
    long prev = melf_mmview(MMVIEW_MIGRATE, v, 0);
    if (prev < 0) {
      melf_mmview(MMVIEW_DELETE, v, 0);
      return MELF_ESYS;
    }
    int rc = melf_map_image(id, 0); /* per-view areas: this view only */
    melf_mmview(MMVIEW_MIGRATE, prev, 0);
    if (rc) {
      melf_mmview(MMVIEW_DELETE, v, 0);
      return rc;
    }
    __atomic_store_n(&melf_rt.view_of[id], v, __ATOMIC_RELEASE);
    DBG("created view %ld for '%s'", v, melf_variant_name(id));
  }
  return migrate_to(id, melf_rt.view_of[id]);
}

int melf_switch_thread(int id) {
  melf_init_once();
  if (thread_locked)
    return MELF_ELOCKED;
  if (id > 0 && id < melf_rt.nvariants && !melf_thread_may_run(id))
    return MELF_ENOTSUP; /* a CPU this thread may run on lacks a feature */
  /* Its own view exists: no lock (checking mode scans the stack against
   * the module records, which needs it). */
  if (melf_rt.mode == MELF_MODE_VIEWS && id > 0 && id < melf_rt.nvariants &&
      !atomic_load(&melf_checking)) {
    long v = __atomic_load_n(&melf_rt.view_of[id], __ATOMIC_ACQUIRE);
    if (v > 0)
      return migrate_to(id, v);
  }
  pthread_mutex_lock(&switch_lock);
  int rc = melf_can_switch(id);
  if (rc == 0) {
    if (melf_rt.mode == MELF_MODE_VIEWS)
      rc = switch_thread_views(id);
    else if (melf_list_threads(melf_gettid(), 0, 0) != 0)
      rc = MELF_ENOVIEWS;
    else
      rc = switch_process_locked(id, "thread switch (single thread: process)");
  }
  pthread_mutex_unlock(&switch_lock);
  return rc == 1 ? 0 : rc;
}

int melf_lock_thread(void) {
  melf_init_once();
  if (melf_rt.mode != MELF_MODE_VIEWS)
    return MELF_ENOVIEWS;
  if (melf_mmview(MMVIEW_LOCK, 0, 0) != 0)
    return errno == EINVAL ? MELF_EINVAL : MELF_ESYS;
  thread_locked = 1;
  DBG("thread %d locked into view %ld", (int)melf_gettid(),
      melf_mmview(MMVIEW_CURRENT, 0, 0));
  return 0;
}
