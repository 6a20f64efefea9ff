// Debug on demand: a pricing loop runs optimised code; for one order that
// looks wrong, the program switches to the `debug` variant (-O0: every
// variable in memory, no inlining, what a debugger needs) for that one call,
// then back. Same function, same address, same result; only that call pays.
// With address-space views (the QEMU guest of `make check`) only the calling
// thread switches (melf_switch_thread): another thread keeps pricing in the
// optimised variant meanwhile. Exits 1 if any call ran other code than
// expected.
#include <melf.h>
#include <pthread.h>
#include <stdatomic.h>
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

// Views mode: a second thread prices small orders the whole time.
static atomic_int stop;
static long other_calls, other_wrong;

static void *other_thread(void *arg) {
  static long small[64];
  (void)arg;
  for (int i = 0; i < 64; i++)
    small[i] = 100;
  while (!atomic_load(&stop)) {
    const char *ran = "?";
    price(small, 64, 0, &ran);
    other_calls++;
    other_wrong += strcmp(ran, "default") != 0;
  }
  return NULL;
}

int main(void) {
  enum { N = 200000 };
  static long items[N];
  for (int i = 0; i < N; i++)
    items[i] = 100 + i % 37;
  int debug = melf_variant_find("debug");
  int views = melf_mode() == MELF_MODE_VIEWS, bad = 0;
  int (*sw)(int) = views ? melf_switch_thread : melf_switch_process;
  pthread_t th;
  if (views && pthread_create(&th, NULL, other_thread, NULL) != 0)
    return 1;
  for (int order = 1; order <= 4; order++) {
    int suspicious = order == 3;
    if (suspicious)
      sw(debug); // just for this call
    const char *ran = "?";
    double t0 = now();
    long total = price(items, N, order * 5, &ran);
    double ms = (now() - t0) * 1e3;
    if (suspicious)
      sw(0);
    bad |= strcmp(ran, suspicious ? "debug" : "default") != 0;
    printf("order %d: total %ld in %.2f ms, ran %s%s\n", order, total, ms, ran,
           suspicious ? (views ? "  <- suspicious: debug variant for this call, this thread only"
                               : "  <- suspicious: debug variant for this call")
                      : "");
  }
  if (views) {
    atomic_store(&stop, 1);
    pthread_join(th, NULL);
    printf("another thread priced %ld small orders meanwhile, %s\n", other_calls,
           other_wrong ? "some NOT in the default variant" : "all in the default variant");
    bad |= other_wrong != 0 || other_calls == 0;
  }
  return bad;
}
