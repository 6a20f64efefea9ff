// Heterogeneous cores (docs/runtime.md): the variant of the calling thread
// follows the features of every CPU in its affinity mask.
#define _GNU_SOURCE
#include <melf.h>
#include <sched.h>
#include <stdio.h>

__attribute__((variant("x86-64-v2", "debug"))) __attribute__((noinline))
const char *which(void) { return melf_compiled_variant(); }

static void pin(int a, int b) {
  cpu_set_t s;
  CPU_ZERO(&s);
  CPU_SET(a, &s);
  if (b >= 0)
    CPU_SET(b, &s);
  int rc = melf_set_affinity(&s, sizeof s);
  char cpus[16];
  snprintf(cpus, sizeof cpus, b >= 0 ? "%d,%d" : "%d", a, b);
  printf("cpus %s: best %s, auto %s, runs %s\n", cpus,
         melf_variant_name(melf_best_variant()),
         rc >= 0 ? melf_variant_name(rc) : melf_strerror(rc), which());
}

int main(void) {
  int v2 = melf_variant_find("x86-64-v2");
  pin(1, -1);
  pin(0, -1);
  pin(0, 1);
  printf("switch to x86-64-v2 on cpus 0,1: %s\n", melf_strerror(melf_switch_thread(v2)));
  pin(1, -1);
  printf("pin to x86-64-v2 from cpu 1: %s\n", melf_strerror(melf_pin_to_variant(v2)));
  pin(0, 1);
  int rc = melf_pin_to_variant(v2);
  cpu_set_t s;
  sched_getaffinity(0, sizeof s, &s);
  printf("pin to x86-64-v2: %s, cpus %d (cpu 0 %s), runs %s\n", melf_strerror(rc),
         CPU_COUNT(&s), CPU_ISSET(0, &s) ? "in" : "out", which());
  printf("core types: %d %d, cpu -1: %s\n", melf_cpu_core_type(0), melf_cpu_core_type(1),
         melf_strerror(melf_cpu_core_type(-1)));
  return 0;
}
