/*
 * aarch64.c - the AArch64 variants' speed, one run per variant (bench/aarch64.sh
 * runs it under qemu-aarch64 with MELF_VARIANT=name and several -cpu models).
 * Three multivariant kernels whose clones use their variant's instructions
 * (those of test/aarch64/Inputs/kernels.c, linked in): an int8 dot product
 * (sdot from dotprod on, SVE loops in sve/sve2/armv9-a), atomic increments
 * (LSE atomics from armv8-2-a and lse on, LL/SC loops before) and a float
 * scale loop. Times are the process's CPU time. Prints one line:
 *   variant <name>: dot <ms> count <ms> scale <ms> (check <n>)
 * The check value is the same in every variant, or the variant computed
 * something else.
 */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define N 4096

/* The kernels, test/aarch64/Inputs/kernels.c (bench/aarch64.sh compiles it
 * alongside): dot, count and scale in every AArch64 variant and debug. */
int dot(const int8_t *a, const int8_t *b, int n);
long count(long *c, int n);
void scale(float *v, int n, float k);
const char *which(void);

static int8_t a[N], b[N];
static float v[N];

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* not the waits of a busy host */
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(void) {
  const int reps = 2000;
  for (int i = 0; i < N; i++) {
    a[i] = (int8_t)(i % 13 - 6);
    b[i] = (int8_t)(i % 7 - 3);
    v[i] = (float)(i % 100);
  }
  long check = 0;
  double t0 = now_ms();
  for (int r = 0; r < reps; r++)
    check += dot(a, b, N);
  double t_dot = now_ms() - t0;
  long c = 0;
  t0 = now_ms();
  for (int r = 0; r < reps; r++)
    count(&c, N);
  double t_count = now_ms() - t0;
  check += c;
  t0 = now_ms();
  for (int r = 0; r < reps; r++)
    scale(v, N, r & 1 ? 2.0f : 0.5f); /* stays exact: powers of two */
  double t_scale = now_ms() - t0;
  for (int i = 0; i < N; i++)
    check += (long)v[i];
  printf("variant %s: dot %.2f count %.2f scale %.2f (check %ld)\n", which(),
         t_dot, t_count, t_scale, check);
  return 0;
}
