// A MELF program that dlopens a MELF library (argv[1]) and switches the
// process's variant: the library's code at the same address changes, its
// results stay; dlclose and dlopen again.
#include <dlfcn.h>
#include <melf.h>
#include <stdio.h>
#include <string.h>

__attribute__((variant("debug"))) const char *host_which(void) {
  return melf_compiled_variant();
}

static void *lib;
static const char *(*which)(void);
static int (*compute)(int);

static int load(const char *path) {
  lib = dlopen(path, RTLD_NOW);
  if (!lib) {
    printf("dlopen: %s\n", dlerror());
    return 1;
  }
  which = (const char *(*)(void))dlsym(lib, "lib_which");
  compute = (int (*)(int))dlsym(lib, "lib_compute");
  return 0;
}

static void show(const char *when) {
  printf("%s: host %s, lib %s, compute %d, %d modules, %d variants\n", when,
         host_which(), which ? which() : "-", compute ? compute(20) : -1,
         melf_module_count(), melf_variant_count());
}

static void modules(void) {
  struct melf_module_info m;
  for (int i = 0; i < melf_module_count(); i++)
    if (melf_module_info(i, &m) == 0)
      printf("module %d: %s exe %d usable %d own %d variants %llx runs %s\n",
             i, strrchr(m.name, '/') ? strrchr(m.name, '/') + 1 : m.name,
             m.is_executable, m.usable, m.nvariants, m.variants,
             melf_variant_name(m.variant));
}

int main(int argc, char **argv) {
  show("start");
  if (load(argv[1]))
    return 1;
  void *addr = (void *)which;
  show("loaded");
  int rc = melf_switch_process(melf_variant_find("debug"));
  show(rc ? melf_strerror(rc) : "debug");
  printf("same address: %s\n", (void *)which == addr ? "yes" : "no");
  rc = melf_switch_process(melf_variant_find("size"));
  show(rc ? melf_strerror(rc) : "size");
  modules();
  melf_switch_process(melf_variant_find("debug"));
  dlclose(lib);
  which = 0, compute = 0;
  show("closed");
  if (load(argv[1]))
    return 1;
  show("reloaded");
  melf_switch_process(0);
  show("default");
  dlclose(lib);
  which = 0, compute = 0;
  show("closed again");
  return 0;
}
