// dlopen/dlclose of a MELF library while another thread switches the
// process's variant back and forth: module events and switches are
// serialised; every call into the library returns its result in the
// variant the process ran at some point.
#include <dlfcn.h>
#include <melf.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

static atomic_int stop;
static int switches, failures;

static void *switcher(void *arg) {
  (void)arg;
  int debug = -1;
  while (!atomic_load(&stop)) {
    if (debug < 0)
      debug = melf_variant_find("debug");
    int rc = melf_switch_process(switches & 1 ? 0 : (debug < 0 ? 0 : debug));
    if (rc && rc != MELF_EBUSY)
      failures++;
    switches++;
  }
  return 0;
}

int main(int argc, char **argv) {
  pthread_t t;
  pthread_create(&t, 0, switcher, 0);
  int bad = 0, loads = argc > 2 ? 200 : 100;
  for (int i = 0; i < loads; i++) {
    void *h = dlopen(argv[1], RTLD_NOW);
    if (!h) {
      printf("dlopen: %s\n", dlerror());
      return 1;
    }
    const char *(*which)(void) = (const char *(*)(void))dlsym(h, "lib_which");
    int (*compute)(int) = (int (*)(int))dlsym(h, "lib_compute");
    const char *w = which();
    if (compute(20) != 41 || (strcmp(w, "default") && strcmp(w, "debug")))
      bad++;
    dlclose(h);
  }
  atomic_store(&stop, 1);
  pthread_join(t, 0);
  printf("%d loads, %d bad results, switches %s, %d failed switches, %d modules left\n",
         loads, bad, switches > 0 ? "ran" : "none", failures, melf_module_count());
  return 0;
}
