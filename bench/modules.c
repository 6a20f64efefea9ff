/*
 * modules.c - cost of a process-wide switch with N MELF modules (the
 * shared libraries named on the command line, dlopen'ed), next to one
 * mmap(MAP_FIXED) of a text part per module from its file, the floor
 * issue 18 names. Prints
 *   modules <N>: switch <us>, <N> mmaps <us>, ratio <r>, per module <us>
 * bench/modules.sh builds the libraries and runs it for 1, 4 and 16.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <melf.h>
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MAXN 64

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(int argc, char **argv) {
  int n = argc - 1, reps = 400;
  int (*touch[MAXN])(void);
  if (n < 1 || n > MAXN)
    return fprintf(stderr, "usage: modules LIB.so...\n"), 2;
  for (int i = 0; i < n; i++) {
    void *h = dlopen(argv[i + 1], RTLD_NOW | RTLD_LOCAL);
    if (!h)
      return fprintf(stderr, "modules: %s\n", dlerror()), 1;
    touch[i] = (int (*)(void))dlsym(h, "modlib_touch");
  }
  int dbg = melf_variant_find("debug");
  if (dbg < 0 || melf_switch_process(dbg) != 0 || touch[0]() != 'd')
    return fprintf(stderr, "modules: cannot switch to debug\n"), 1;
  double t0 = now_us();
  for (int r = 0; r < reps; r++) {
    melf_switch_process(r & 1 ? dbg : 0);
    for (int i = 0; i < n; i++)
      touch[i](); /* fault the new code in, as a switch's user would */
  }
  double sw = (now_us() - t0) / reps;
  /* The floor: one mmap(MAP_FIXED) of a page per module, from its file. */
  int fd[MAXN];
  void *at[MAXN];
  for (int i = 0; i < n; i++) {
    fd[i] = open(argv[i + 1], O_RDONLY);
    at[i] = mmap(0, 4096, PROT_READ, MAP_PRIVATE, fd[i], 0);
  }
  t0 = now_us();
  for (int r = 0; r < reps; r++)
    for (int i = 0; i < n; i++) {
      mmap(at[i], 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_FIXED, fd[i], 0);
      (void)*(volatile char *)at[i];
    }
  double mm = (now_us() - t0) / reps;
  printf("modules %d: switch %.1f us, %d mmaps %.1f us, ratio %.2f, per module %.2f us\n",
         n, sw, n, mm, sw / mm, sw / n);
  return 0;
}
