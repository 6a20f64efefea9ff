// libmelf in views mode, end to end in the guest: a MELF program whose
// threads run different variants of one function at the same moment, switch
// per thread, keep per-view data apart, start new threads in their
// creator's variant and fork into a single-view child. Built on the host
// with the MELF toolchain (plugin, ld.melf, libmelf), statically. Prints
// "CASE PASS melf-views/<name>" or "CASE FAIL melf-views/<name>: why".
#include <melf.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

// Which code runs: the default body returns 0, the clones 1 and 2.
__attribute__((variant("debug", "size"))) __attribute__((noinline)) int which(void) {
  const char *v = melf_compiled_variant();
  return strcmp(v, "debug") == 0 ? 1 : strcmp(v, "size") == 0 ? 2 : 0;
}

static int failures;
static void report(const char *name, int ok, const char *why) {
  if (ok)
    printf("CASE PASS melf-views/%s\n", name);
  else {
    printf("CASE FAIL melf-views/%s: %s\n", name, why);
    failures++;
  }
  fflush(stdout);
}

enum { ROUNDS = 300000 };
static _Atomic int ready, go;
struct worker {
  const char *variant;
  int want, wrong, switched;
  long calls;
};
static void *work(void *arg) {
  struct worker *w = arg;
  int id = melf_variant_find(w->variant);
  w->switched = id >= 0 && melf_switch_thread(id) == 0 && melf_current_variant() == id;
  atomic_fetch_add(&ready, 1);
  while (!atomic_load(&go))
    ;
  for (long i = 0; i < ROUNDS; i++) {
    if (which() != w->want)
      w->wrong++;
    w->calls++;
  }
  return NULL;
}

static void *report_child_variant(void *arg) {
  *(int *)arg = which();
  return NULL;
}

int main(void) {
  char why[200];
  report("views-mode", melf_mode() == MELF_MODE_VIEWS,
         "libmelf is not in views mode on the mmview kernel");
  if (melf_mode() != MELF_MODE_VIEWS)
    return 1;

  // Three threads, three variants, at the same moment.
  struct worker w[2] = {{"debug", 1, 0, 0, 0}, {"size", 2, 0, 0, 0}};
  pthread_t t[2];
  for (int i = 0; i < 2; i++)
    pthread_create(&t[i], NULL, work, &w[i]);
  while (atomic_load(&ready) != 2)
    ;
  atomic_store(&go, 1);
  int wrong_main = 0;
  for (long i = 0; i < ROUNDS; i++)
    wrong_main += which() != 0;
  for (int i = 0; i < 2; i++)
    pthread_join(t[i], NULL);
  snprintf(why, sizeof why, "switched %d/%d, wrong results: default %d, debug %d, size %d",
           w[0].switched, w[1].switched, wrong_main, w[0].wrong, w[1].wrong);
  report("three-threads-three-variants-at-once",
         w[0].switched && w[1].switched && !wrong_main && !w[0].wrong && !w[1].wrong, why);

  // Per-thread switching back and forth.
  int dbg = melf_variant_find("debug"), size = melf_variant_find("size"), ok = 1;
  for (int i = 0; i < 100 && ok; i++) {
    ok &= melf_switch_thread(i % 2 ? dbg : size) == 0;
    ok &= which() == (i % 2 ? 1 : 2);
  }
  ok &= melf_switch_thread(melf_variant_find("default")) == 0 && which() == 0;
  report("switch-back-and-forth", ok, "a switch failed or the wrong code ran");

  // A new thread starts in its creator's variant.
  melf_switch_thread(dbg);
  int seen = -1;
  pthread_t c;
  pthread_create(&c, NULL, report_child_variant, &seen);
  pthread_join(c, NULL);
  snprintf(why, sizeof why, "new thread ran variant %d, creator debug (1)", seen);
  report("new-thread-inherits-variant", seen == 1, why);

  // fork from a thread in a variant: the child is a single view running it.
  pid_t pid = fork();
  if (pid == 0)
    _exit(which() == 1 && melf_current_variant() == dbg ? 0 : 1);
  int st = 0;
  waitpid(pid, &st, 0);
  report("fork-keeps-variant", WIFEXITED(st) && WEXITSTATUS(st) == 0,
         "the child of a thread in 'debug' did not run 'debug'");
  melf_switch_thread(melf_variant_find("default"));
  return failures != 0;
}
