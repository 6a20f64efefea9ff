// What an asan variant costs the threads that do not run it (bench/
// asan-cost.sh): a malloc-heavy workload like a compressor's (variable-size
// buffers copied and freed, a multivariant function over each), timed in
// the default variant of a binary that carries an asan variant, next to the
// plain program. Prints the seconds of the timed loop, and how many of the
// live buffers at the end came from ASan's allocator (with MELF's ASan
// runtime: none in the default variant, all in the asan variant).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef WITH_ASAN_VARIANT
#define VARIANTS __attribute__((variant("asan")))
#else
#define VARIANTS
#endif
// ASan's interface, when an ASan runtime is linked.
int __sanitizer_get_ownership(const void *p) __attribute__((weak));

VARIANTS unsigned checksum(const unsigned char *p, size_t n) {
  unsigned h = 2166136261u;
  for (size_t i = 0; i < n; i++)
    h = (h ^ p[i]) * 16777619u;
  return h;
}
int main(int argc, char **argv) {
  long iters = argc > 1 ? atol(argv[1]) : 2000000;
  enum { LIVE = 1024 };
  unsigned char *live[LIVE] = {0};
  size_t sizes[LIVE] = {0};
  unsigned seed = 12345, acc = 0;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (long i = 0; i < iters; i++) {
    seed = seed * 1103515245u + 12345u;
    size_t n = 16 + (seed >> 8) % 2048;
    unsigned char *b = malloc(n);
    int k = i % LIVE;
    if (live[k]) {
      memcpy(b, live[k], n < sizes[k] ? n : sizes[k]);
      if (n > sizes[k]) memset(b + sizes[k], (int)i, n - sizes[k]);
      free(live[k]);
    } else memset(b, 1, n);
    live[k] = b; sizes[k] = n;
    acc += checksum(b, 16);
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  int asan = 0;
  for (int k = 0; k < LIVE; k++) {
    if (__sanitizer_get_ownership && live[k])
      asan += __sanitizer_get_ownership(live[k]) != 0;
    free(live[k]);
  }
  printf("%.3f s (acc %u, %d of %d live buffers from ASan's allocator)\n",
         (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, acc, asan,
         (int)LIVE);
  return 0;
}
