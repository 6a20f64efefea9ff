/*
 * cores.c - heterogeneous cores: one thread per core type, each pinned to
 * the CPUs of its type and running the best variant all of them can run
 * (melf_set_affinity, then auto). With address-space views the threads run
 * at the same time; without (process mode) one after the other, in the
 * main thread. On a machine whose CPUs are alike there is one core type;
 * examples/demo.sh also runs it on a fake hybrid topology
 * (MELF_TOPOLOGY_ROOT).
 */
#define _GNU_SOURCE
#include <melf.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>

/* A loop the x86-64-v3 variant vectorises with AVX2. */
__attribute__((variant("x86-64-v2", "x86-64-v3"))) __attribute__((noinline))
long sum(const int *v, int n) {
  long s = 0;
  for (int i = 0; i < n; i++)
    s += v[i] * (long)v[i];
  return s;
}

static int data[4096];
static const char *type_name[] = {"any", "big", "little"};

struct group {
  int type;
  cpu_set_t cpus;
  char line[160];
};

static void *run(void *arg) {
  struct group *g = arg;
  int id = melf_set_affinity(&g->cpus, sizeof g->cpus);
  long s = sum(data, 4096);
  snprintf(g->line, sizeof g->line, "%-6s cores (%d CPUs): %s, sum %ld in the %s variant",
           type_name[g->type], CPU_COUNT(&g->cpus),
           id >= 0 ? "auto chose it" : melf_strerror(id), s,
           melf_variant_name(melf_current_variant()));
  return NULL;
}

int main(void) {
  for (int i = 0; i < 4096; i++)
    data[i] = i % 97;
  cpu_set_t all;
  sched_getaffinity(0, sizeof all, &all);
  struct group g[3] = {{0}, {1}, {2}};
  for (int c = 0; c < CPU_SETSIZE; c++)
    if (CPU_ISSET(c, &all)) {
      int t = melf_cpu_core_type(c);
      CPU_SET(c, &g[t < 0 ? 0 : t].cpus);
    }
  int views = melf_mode() == MELF_MODE_VIEWS;
  pthread_t th[3];
  for (int i = 0; i < 3; i++) {
    if (!CPU_COUNT(&g[i].cpus))
      continue;
    if (views)
      pthread_create(&th[i], NULL, run, &g[i]);
    else
      run(&g[i]);
  }
  for (int i = 0; i < 3; i++)
    if (CPU_COUNT(&g[i].cpus)) {
      if (views)
        pthread_join(th[i], NULL);
      printf("%s\n", g[i].line);
    }
  return 0;
}
