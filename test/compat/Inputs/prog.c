// The program every row of the compatibility table builds: multivariant
// functions called directly and through a pointer (and calling through one),
// plain code around them. Every variant must print the same figures.
#include <melf.h>
#include <stdio.h>

__attribute__((variant("debug", "size")))
const char *which(void) { return melf_compiled_variant(); }

__attribute__((variant("debug", "size")))
long work(const int *p, int n) {
  long s = 0;
  for (int i = 0; i < n; i++)
    s += (long)p[i] * (i % 7);
  return s;
}

static long twice(long x) { return 2 * x; }

__attribute__((variant("debug", "size")))
long apply(long (*f)(long), long x) { return f(x) + 1; }

#ifdef COMPAT_FUZZ
#define main compat_main
#endif
int main(void) {
  int a[64];
  for (int i = 0; i < 64; i++)
    a[i] = i * 3 - 50;
  long (*volatile w)(const int *, int) = work;
  printf("%s %ld %ld %ld\n", which(), work(a, 64), w(a, 32), apply(twice, 20));
  fflush(stdout);
  return 0;
}
#undef main

#ifdef COMPAT_FUZZ
int compat_main(void);
// -fsanitize=fuzzer: libFuzzer's main calls this; one run prints the line.
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int done;
  (void)data;
  (void)size;
  if (!done++)
    compat_main();
  return 0;
}
#endif
