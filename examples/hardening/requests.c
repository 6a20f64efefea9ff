// Per-request hardening: one server process handles trusted requests with
// the default (optimised) code and untrusted ones with the `asan` variant
// of the same functions. A malicious untrusted request overflows a heap
// buffer in parse(): the asan variant stops it at the first out-of-bounds
// write (an AddressSanitizer report, and the process ends); handled with the
// default code, the same request writes past the block and nothing notices.
// The program links ASan's runtime (the asan variant needs it), so ASan's
// allocator and interceptors are active for every request: their cost is
// part of the default variant's figure too.
//
//   requests [asan|default]   handle untrusted requests in that variant
#include <melf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct request {
  int trusted;
  const char *body;
};

// The bug: copies the body into a fixed-size record without checking.
__attribute__((variant("asan"))) __attribute__((noinline)) int parse(const char *body,
                                                                    char *record) {
  int n = 0;
  while (body[n]) {
    record[n] = body[n]; // no bound: a body longer than 32 bytes overflows
    n++;
  }
  record[n] = 0;
  return n;
}

__attribute__((variant("asan"))) __attribute__((noinline)) unsigned checksum(const char *s,
                                                                            int n) {
  unsigned h = 2166136261u;
  for (int i = 0; i < n; i++)
    h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  const char *untrusted_variant = argc > 1 ? argv[1] : "asan";
  int hardened = melf_variant_find(untrusted_variant);
  if (hardened < 0) {
    fprintf(stderr, "no variant '%s'\n", untrusted_variant);
    return 2;
  }
  // Cost of each variant on ordinary requests.
  char body[32] = "GET /index.html HTTP/1.1";
  for (int v = 0; v < 2; v++) {
    melf_switch_process(v ? hardened : 0);
    char *rec = malloc(32);
    double t0 = now();
    unsigned h = 0;
    for (int i = 0; i < 200000; i++)
      h += checksum(rec, parse(body, rec));
    printf("%-8s %6.1f ns per request (checksum %08x)\n", melf_variant_name(v ? hardened : 0),
           (now() - t0) / 200000 * 1e9, h);
    free(rec);
  }
  melf_switch_process(0);

  struct request reqs[] = {
      {1, "GET /index.html"},
      {0, "GET /search?q=melf"},
      {1, "GET /about"},
      {0, "GET /AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}, // attack
      {1, "GET /contact"},
  };
  char *record = malloc(32);
  for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
    int v = reqs[i].trusted ? 0 : hardened;
    melf_switch_process(v);
    fflush(stdout);
    int n = parse(reqs[i].body, record);
    printf("request %zu (%-9s) ran %-7s: %2d bytes into a 32-byte record%s\n", i,
           reqs[i].trusted ? "trusted" : "untrusted", melf_variant_name(v), n + 1,
           n >= 32 ? ", past its end, unnoticed" : "");
    melf_switch_process(0);
  }
  free(record);
  return 0;
}
