// A MELF program for the minimal runtime's tests (no API: libmelf_min has
// none): which() names the variant whose code runs (the pass folds
// melf_compiled_variant() per clone), sum() a result every variant agrees on.
#include <melf.h>
#include <stdio.h>

__attribute__((variant("debug", "x86-64-v3", "size")))
const char *which(void) { return melf_compiled_variant(); }

__attribute__((variant("debug", "x86-64-v3", "size")))
long sum(const int *p, int n) {
  long s = 0;
  for (int i = 0; i < n; i++)
    s += (long)p[i] * p[i];
  return s;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0); // interleave with the runtime's stderr
  int a[100];
  for (int i = 0; i < 100; i++)
    a[i] = i - 50;
  printf("running %s, sum %ld\n", which(), sum(a, 100));
  return 0;
}
