// Seed object of the .melf.group mutation fuzzer: two multivariant
// functions, attribute clones with ISA, optimisation and size variants.
#include <stdio.h>
__attribute__((variant("x86-64-v3", "debug", "size")))
int scale(int x) { return 3 * x + 1; }
__attribute__((variant("debug")))
long sum(const int *p, int n) {
  long s = 0;
  for (int i = 0; i < n; i++)
    s += p[i];
  return s;
}
int main(void) {
  int a[4] = {1, 2, 3, 4};
  printf("%d %ld\n", scale(2), sum(a, 4));
  return 0;
}
