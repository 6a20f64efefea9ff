/* Spends its time in spin() (test/tools/annotate-perf.test). */
#include <stdio.h>

__attribute__((noinline)) double spin(long n) {
  double s = 0;
  for (long i = 1; i < n; i++)
    s += 1.0 / (double)i;
  return s;
}

__attribute__((noinline)) long idle(long n) { return n + 1; }

int main(void) {
  printf("%f %ld\n", spin(300000000), idle(2));
  return 0;
}
