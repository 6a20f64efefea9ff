/* Seed program for the fuzzers: a MELF executable with several variants,
 * linked at fuzzing time by ld.melf (test/fuzz, runtime/fuzz). */
#include <melf.h>
__attribute__((variant("x86-64-v3", "debug", "size"))) int f(int *p, int n) {
  int s = 0;
  for (int i = 0; i < n; i++)
    s += p[i] * p[i];
  return s;
}
__attribute__((variant("x86-64-v2"))) int g(unsigned x) { return __builtin_popcount(x); }
__attribute__((variant("debug"))) int h(void) { return melf_variant_count(); }
int main(void) { int a[4] = {1, 2, 3, 4}; return f(a, 4) + g(3) + h() > 0 ? 0 : 1; }
