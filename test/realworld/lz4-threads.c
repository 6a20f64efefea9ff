/* LZ4 in views mode (QEMU guest, test/realworld/run.sh builds it): three
 * threads run LZ4's compression and decompression in three variants at the
 * same moment, each on its own data, and check every round trip. Prints
 * "CASE PASS realworld-lz4/..." lines for the guest harness. */
#include <lz4.h>
#include <melf.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { N = 1 << 20, ROUNDS = 20 };
static atomic_int ready;

struct job {
  const char *variant;
  int ok, rounds;
};

static void *run(void *arg) {
  struct job *j = arg;
  int id = melf_variant_find(j->variant);
  if (id < 0 || melf_switch_thread(id) != 0)
    return NULL;
  char *src = malloc(N), *packed = malloc(LZ4_compressBound(N)), *out = malloc(N);
  unsigned seed = (unsigned)id * 2654435761u;
  atomic_fetch_add(&ready, 1);
  while (atomic_load(&ready) < 3)
    ;
  j->ok = 1;
  for (int r = 0; r < ROUNDS; r++) {
    for (int i = 0; i < N; i++) /* compressible: words from a small alphabet */
      src[i] = (char)('a' + (seed = seed * 1103515245u + 12345u) % 11 % (3 + r % 5));
    int n = LZ4_compress_default(src, packed, N, LZ4_compressBound(N));
    int m = LZ4_decompress_safe(packed, out, n, N);
    if (n <= 0 || m != N || memcmp(src, out, N) || melf_current_variant() != id)
      j->ok = 0;
    j->rounds++;
  }
  free(src), free(packed), free(out);
  return NULL;
}

int main(void) {
  if (melf_mode() != MELF_MODE_VIEWS) {
    printf("CASE FAIL realworld-lz4/views-mode: libmelf is not in views mode\n");
    return 1;
  }
  struct job jobs[3] = {{"default", 0, 0}, {"debug", 0, 0}, {"x86-64-v3", 0, 0}};
  pthread_t t[3];
  for (int i = 0; i < 3; i++)
    pthread_create(&t[i], NULL, run, &jobs[i]);
  int failed = 0;
  for (int i = 0; i < 3; i++) {
    pthread_join(t[i], NULL);
    if (jobs[i].ok && jobs[i].rounds == ROUNDS)
      printf("CASE PASS realworld-lz4/round-trips-in-%s-while-other-threads-run-other-variants\n",
             jobs[i].variant);
    else {
      printf("CASE FAIL realworld-lz4/round-trips-in-%s-while-other-threads-run-other-variants: "
             "%d rounds, ok %d\n", jobs[i].variant, jobs[i].rounds, jobs[i].ok);
      failed = 1;
    }
  }
  return failed;
}
