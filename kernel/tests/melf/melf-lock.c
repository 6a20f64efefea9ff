// libmelf's melf_lock_thread in the guest: a worker switches to the
// "debug" variant and locks itself there; its switches then fail with
// MELF_ELOCKED and it keeps running debug code; a thread it starts is
// locked too; the main thread still switches freely. Prints
// "CASE PASS melf-lock/<name>" or "CASE FAIL melf-lock/<name>: why".
#include <melf.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

__attribute__((variant("debug", "size"))) __attribute__((noinline)) int which(void) {
  const char *v = melf_compiled_variant();
  return strcmp(v, "debug") == 0 ? 1 : strcmp(v, "size") == 0 ? 2 : 0;
}

static int failures;
static void report(const char *name, int ok, const char *why) {
  printf("CASE %s melf-lock/%s%s%s\n", ok ? "PASS" : "FAIL", name, ok ? "" : ": ",
         ok ? "" : why);
  fflush(stdout);
  failures += !ok;
}

struct result {
  int locked, switch_rc, process_rc, still, child_rc;
};

static void *child(void *arg) {
  *(int *)arg = melf_switch_thread(0);
  return NULL;
}

static void *worker(void *arg) {
  struct result *r = arg;
  melf_switch_thread(melf_variant_find("debug"));
  r->locked = melf_lock_thread();
  r->switch_rc = melf_switch_thread(melf_variant_find("size"));
  r->process_rc = melf_switch_process(0);
  r->still = which();
  pthread_t t;
  pthread_create(&t, NULL, child, &r->child_rc);
  pthread_join(t, NULL);
  return NULL;
}

int main(void) {
  char why[200];
  if (melf_mode() != MELF_MODE_VIEWS) {
    report("views-mode", 0, "not in views mode");
    return 1;
  }
  report("lock-in-base-view-is-einval", melf_lock_thread() == MELF_EINVAL,
         "melf_lock_thread in the base view did not fail with MELF_EINVAL");
  struct result r;
  memset(&r, 0, sizeof r);
  pthread_t t;
  pthread_create(&t, NULL, worker, &r);
  pthread_join(t, NULL);
  snprintf(why, sizeof why, "lock %d, switch %d, process switch %d, runs %d, its thread %d",
           r.locked, r.switch_rc, r.process_rc, r.still, r.child_rc);
  report("locked-worker-keeps-its-variant", r.locked == 0 && r.switch_rc == MELF_ELOCKED &&
         r.process_rc == MELF_ELOCKED && r.still == 1 && r.child_rc == MELF_ELOCKED, why);
  int rc = melf_switch_thread(melf_variant_find("size"));
  report("main-thread-still-switches", rc == 0 && which() == 2, melf_strerror(rc));
  return failures != 0;
}
