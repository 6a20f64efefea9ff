// MELF shared libraries in views mode, in the guest: a dynamically linked
// MELF program dlopens a MELF library before its threads switch, and two
// threads run two variants of the library at the same moment; a library
// dlopened after views exist joins every view with that view's variant. The library and a second copy
// are /lib-melf/libguestmod{,2}.so (or argv[1], argv[2]). Prints "CASE PASS
// melf-modules/<name>" or "CASE FAIL melf-modules/<name>: why".
#include <dlfcn.h>
#include <melf.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

static int failures;
static void report(const char *name, int ok, const char *why) {
  printf("CASE %s melf-modules/%s%s%s\n", ok ? "PASS" : "FAIL", name,
         ok ? "" : ": ", ok ? "" : why);
  fflush(stdout);
  failures += !ok;
}

static int (*which)(void), (*compute)(int), (*which2)(void);
enum { ROUNDS = 200000 };
static _Atomic int ready, go;
struct worker {
  const char *variant;
  int want, switched, wrong, late;
};

static void *work(void *arg) {
  struct worker *w = arg;
  int id = melf_variant_find(w->variant);
  w->switched = id >= 0 && melf_switch_thread(id) == 0;
  atomic_fetch_add(&ready, 1);
  while (!atomic_load(&go))
    ;
  for (long i = 0; i < ROUNDS; i++)
    if (which() != w->want || compute(20) != 41)
      w->wrong++;
  return NULL;
}

/* A thread in the view of `variant` calls the library loaded after views
 * existed. */
static void *late(void *arg) {
  struct worker *w = arg;
  w->switched = melf_switch_thread(melf_variant_find(w->variant)) == 0;
  w->late = which2 ? which2() : -1;
  w->wrong = which() != w->want;
  return NULL;
}

int main(int argc, char **argv) {
  char why[200];
  const char *lib = argc > 2 ? argv[1] : "/lib-melf/libguestmod.so";
  const char *lib2 = argc > 2 ? argv[2] : "/lib-melf/libguestmod2.so";
  void *h = dlopen(lib, RTLD_NOW);
  report("dlopen", h != NULL, h ? "" : dlerror());
  if (!h)
    return 1;
  which = (int (*)(void))dlsym(h, "guestlib_which");
  compute = (int (*)(int))dlsym(h, "guestlib_compute");
  report("views-mode", melf_mode() == MELF_MODE_VIEWS, "not in views mode");
  struct worker w[2] = {{"debug", 1, 0, 0, 0}, {"size", 2, 0, 0, 0}};
  pthread_t t[2];
  for (int i = 0; i < 2; i++)
    pthread_create(&t[i], NULL, work, &w[i]);
  while (atomic_load(&ready) < 2)
    ;
  atomic_store(&go, 1);
  int base_wrong = 0;
  for (long i = 0; i < ROUNDS; i++)
    if (which() != 0)
      base_wrong++;
  for (int i = 0; i < 2; i++)
    pthread_join(t[i], NULL);
  snprintf(why, sizeof why, "switched %d/%d, wrong calls %d/%d/%d (base/debug/size)",
           w[0].switched, w[1].switched, base_wrong, w[0].wrong, w[1].wrong);
  report("two-threads-two-variants-of-a-library", w[0].switched && w[1].switched &&
         !base_wrong && !w[0].wrong && !w[1].wrong, why);
  /* A library loaded now, after views exist: each view maps its own
   * variant's image (debug, size; the base: the process's, size). */
  void *h2 = dlopen(lib2, RTLD_NOW);
  which2 = h2 ? (int (*)(void))dlsym(h2, "guestlib_which") : NULL;
  int rc = melf_switch_process(melf_variant_find("size"));
  for (int i = 0; i < 2; i++) {
    w[i].switched = w[i].wrong = 0;
    pthread_create(&t[i], NULL, late, &w[i]);
  }
  for (int i = 0; i < 2; i++)
    pthread_join(t[i], NULL);
  snprintf(why, sizeof why, "late library in views: %d/%d, base %d, switch: %s, "
           "first library right: %d/%d", w[0].late, w[1].late,
           which2 ? which2() : -1, melf_strerror(rc), !w[0].wrong, !w[1].wrong);
  report("library-loaded-after-views-joins-every-view",
         which2 && rc == 0 && w[0].late == 1 && w[1].late == 2 && which2() == 2 &&
         !w[0].wrong && !w[1].wrong && w[0].switched && w[1].switched, why);
  dlclose(h2);
  dlclose(h);
  report("dlclose", melf_module_count() == 0, "modules left");
  return failures != 0;
}
