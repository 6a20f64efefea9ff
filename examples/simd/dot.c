/* A vectorisable kernel with ISA-level, debug and sanitizer variants. Run it
 * with MELF_VARIANT=<name|auto> to pick the variant for the whole run. */
#include <melf.h>
#include <stdio.h>
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

int main(void) {
  static unsigned a[N], b[N];
  for (int i = 0; i < N; i++) {
    a[i] = i % 7;
    b[i] = N - i;
  }
  struct timespec t0, t1;
  unsigned s = 0;
  dot(a, b, N); /* fault the pages in before timing */
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int r = 0; r < 20000; r++)
    s += dot(a, b, N);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
  printf("%-10s dot = %u, 20000 x %d elements in %7.2f ms\n", compiled_as(), s,
         N, ms);
  return 0;
}
