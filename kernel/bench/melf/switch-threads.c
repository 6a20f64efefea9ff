// Per-thread switches in views mode, 1 and 2 threads switching at once
// (issue goal: 2 threads >= 1.8 x the switches per second of 1 in the
// 2-CPU guest): each thread moves between the views of "debug" and "size"
// and calls the multivariant function after each move. Built with the MELF
// toolchain, statically; a guest benchmark (kernel/harness), not a test.
#include <melf.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

__attribute__((variant("debug", "size"))) __attribute__((noinline)) int which(void) {
  return melf_compiled_variant()[0];
}

enum { SWITCHES = 20000 };
static _Atomic int ready, go;
static int ids[2];

static int null_calls; /* the floor: the same loop of null system calls */

static void *worker(void *arg) {
  int *bad = arg;
  if (null_calls) {
    atomic_fetch_add(&ready, 1);
    while (!atomic_load(&go))
      ;
    for (int i = 0; i < SWITCHES; i++)
      syscall(SYS_getppid);
    return NULL;
  }
  melf_switch_thread(ids[0]); /* both views exist before the clock starts */
  melf_switch_thread(ids[1]);
  atomic_fetch_add(&ready, 1);
  while (!atomic_load(&go))
    ;
  for (int i = 0; i < SWITCHES; i++) {
    int id = ids[i & 1];
    if (melf_switch_thread(id) != 0 || which() != melf_variant_name(id)[0])
      (*bad)++;
  }
  return NULL;
}

static double run(int n, int *bad) {
  pthread_t t[2];
  struct timespec a, b;
  atomic_store(&ready, 0);
  atomic_store(&go, 0);
  for (int i = 0; i < n; i++)
    pthread_create(&t[i], NULL, worker, bad);
  while (atomic_load(&ready) < n)
    ;
  clock_gettime(CLOCK_MONOTONIC, &a);
  atomic_store(&go, 1);
  for (int i = 0; i < n; i++)
    pthread_join(t[i], NULL);
  clock_gettime(CLOCK_MONOTONIC, &b);
  double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
  return n * SWITCHES / s;
}

int main(void) {
  ids[0] = melf_variant_find("debug");
  ids[1] = melf_variant_find("size");
  if (melf_mode() != MELF_MODE_VIEWS || ids[0] < 0 || ids[1] < 0) {
    printf("bench: per-thread switches need views mode\n");
    return 1;
  }
  int bad = 0;
  run(1, &bad); /* warm up */
  double one = run(1, &bad), two = run(2, &bad);
  null_calls = 1;
  double none = run(1, &bad), ntwo = run(2, &bad);
  printf("bench: per-thread switches: 1 thread %.0f/s, 2 threads at once %.0f/s "
         "(%.2f x; goal >= 1.8), %d wrong; null system calls: %.2f x with 2 "
         "threads (what this guest's CPUs allow)\n", one, two, two / one, bad,
         ntwo / none);
  return bad != 0;
}
