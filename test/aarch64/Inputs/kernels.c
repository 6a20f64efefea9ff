/* Multivariant kernels whose clones use their variant's instructions
 * (sdot for dotprod and later, SVE loops for sve/sve2/armv9-a, LSE atomics
 * for lse and later), so that running a variant on a CPU without its
 * features dies with SIGILL under qemu-aarch64. */
#include <melf.h>
#include <stdint.h>
#include <stdio.h>

#define KERNEL                                                                 \
  __attribute__((variant("armv8-2-a", "armv8-4-a", "armv9-a", "lse",           \
                         "dotprod", "sve", "sve2", "debug")))

KERNEL int dot(const int8_t *a, const int8_t *b, int n) {
  int s = 0;
  for (int i = 0; i < n; i++)
    s += a[i] * b[i];
  return s;
}

KERNEL long count(long *c, int n) {
  for (int i = 0; i < n; i++)
    __atomic_fetch_add(c, 1, __ATOMIC_SEQ_CST);
  return *c;
}

KERNEL void scale(float *v, int n, float k) {
  for (int i = 0; i < n; i++)
    v[i] *= k;
}

KERNEL const char *which(void) { return melf_compiled_variant(); }

int run_kernels(void) {
  static int8_t a[1000], b[1000];
  static float v[1000];
  for (int i = 0; i < 1000; i++) {
    a[i] = (int8_t)(i % 13 - 6);
    b[i] = (int8_t)(i % 7 - 3);
    v[i] = (float)i;
  }
  long c = 0;
  scale(v, 1000, 0.5f);
  double sum = 0;
  for (int i = 0; i < 1000; i++)
    sum += v[i];
  printf("kernels in %s: dot %d count %ld sum %.1f\n", which(),
         dot(a, b, 1000), count(&c, 1000), sum);
  return 0;
}
