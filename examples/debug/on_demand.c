// Debug on demand: a pricing loop runs optimised code; for one order that
// looks wrong, the program switches to the `debug` variant (-O0: every
// variable in memory, no inlining, what a debugger needs) for that one call,
// then back. Same function, same address, same result; only that call pays.
#include <melf.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

__attribute__((variant("debug"))) __attribute__((noinline)) long price(const long *items, int n,
                                                                      int discount,
                                                                      const char **ran) {
  long total = 0;
  for (int i = 0; i < n; i++)
    total += items[i] * (100 - discount) / 100;
  *ran = melf_compiled_variant();
  return total;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(void) {
  enum { N = 200000 };
  static long items[N];
  for (int i = 0; i < N; i++)
    items[i] = 100 + i % 37;
  int debug = melf_variant_find("debug");
  for (int order = 1; order <= 4; order++) {
    int suspicious = order == 3;
    if (suspicious)
      melf_switch_process(debug); // just for this call
    const char *ran = "?";
    double t0 = now();
    long total = price(items, N, order * 5, &ran);
    double ms = (now() - t0) * 1e3;
    if (suspicious)
      melf_switch_process(0);
    printf("order %d: total %ld in %.2f ms, ran %s%s\n", order, total, ms, ran,
           suspicious ? "  <- suspicious: debug variant for this call" : "");
  }
  return 0;
}
