/* A vectorisable kernel with ISA-level and debug variants. On a stock
 * kernel, run it with MELF_VARIANT=<name|auto> to pick the variant for the
 * whole run. Where the kernel has address-space views (the QEMU guest of
 * `make check`), the same program runs one thread per variant at the same
 * time, each switched with melf_switch_thread(); variants the CPU lacks are
 * skipped with a message. Exits 1 if a thread ran other code than it asked
 * for or computed another sum. */
#include <melf.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define N 4096

__attribute__((variant("x86-64-v2", "x86-64-v3", "x86-64-v4", "debug")))
unsigned dot(const unsigned *restrict a, const unsigned *restrict b, int n) {
  unsigned s = 0;
  for (int i = 0; i < n; i++)
    s += a[i] * b[i];
  return s;
}

/* Which body runs: each variant's clone returns its own name. */
__attribute__((variant("x86-64-v2", "x86-64-v3", "x86-64-v4", "debug")))
const char *compiled_as(void) { return melf_compiled_variant(); }

static unsigned a[N], b[N];
/* Fewer rounds per thread: the guest may be emulated. */
#define THREAD_REPS 2000

/* `reps` dot products; the time in ms. */
static double run(int reps, unsigned *sum) {
  struct timespec t0, t1;
  unsigned s = 0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int r = 0; r < reps; r++)
    s += dot(a, b, N);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  *sum = s;
  return (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
}

struct job {
  int variant;
  unsigned sum;
  double ms;
  const char *ran;
  int err;
};

static void *thread_main(void *arg) {
  struct job *j = arg;
  j->err = melf_switch_thread(j->variant); /* this thread only */
  if (j->err == 0) {
    j->ms = run(THREAD_REPS, &j->sum);
    j->ran = compiled_as();
  }
  return NULL;
}

/* Views: every variant at the same time, one thread each. */
static int per_thread(void) {
  enum { MAXV = 16 };
  struct job jobs[MAXV];
  pthread_t th[MAXV];
  unsigned want;
  run(THREAD_REPS, &want); /* the default variant's sum, by this thread */
  int n = melf_variant_count() < MAXV ? melf_variant_count() : MAXV, bad = 0;
  for (int v = 0; v < n; v++) {
    jobs[v] = (struct job){.variant = v, .ran = "?"};
    if (!melf_variant_supported(v)) {
      printf("%-10s skipped: this CPU lacks its instructions\n", melf_variant_name(v));
      jobs[v].err = 1;
      continue;
    }
    if (pthread_create(&th[v], NULL, thread_main, &jobs[v]) != 0)
      return 1;
  }
  for (int v = 0; v < n; v++) {
    if (!melf_variant_supported(v))
      continue;
    pthread_join(th[v], NULL);
    const char *name = melf_variant_name(v);
    if (jobs[v].err) {
      printf("%-10s thread could not switch: %s\n", name, melf_strerror(jobs[v].err));
      bad = 1;
      continue;
    }
    int ok = strcmp(jobs[v].ran, name) == 0 && jobs[v].sum == want;
    printf("thread in %-10s dot = %u, %d x %d elements in %7.2f ms%s\n", jobs[v].ran,
           jobs[v].sum, THREAD_REPS, N, jobs[v].ms, ok ? "" : "  <- WRONG");
    bad |= !ok;
  }
  printf("per-thread variants: %s\n", bad ? "FAILED" : "every thread ran its own variant at once");
  return bad;
}

int main(void) {
  for (int i = 0; i < N; i++) {
    a[i] = i % 7;
    b[i] = N - i;
  }
  dot(a, b, N); /* fault the pages in before timing */
  if (melf_mode() == MELF_MODE_VIEWS)
    return per_thread();
  unsigned s;
  double ms = run(20000, &s);
  printf("%-10s dot = %u, 20000 x %d elements in %7.2f ms\n", compiled_as(), s,
         N, ms);
  return 0;
}
