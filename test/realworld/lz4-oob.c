/* A planted out-of-bounds write around LZ4 (test/realworld/run.sh): the
 * caller claims a larger output buffer than it allocated, so
 * LZ4_decompress_safe writes past the heap block. In the asan variant the
 * library's instrumented clone reports it; the default variant does not
 * notice. Not LZ4's bug: the harness lies. */
#include <lz4.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
  enum { N = 4096 };
  char *src = malloc(N), *packed = malloc(LZ4_compressBound(N));
  for (int i = 0; i < N; i++)
    src[i] = (char)('a' + i % 7);
  int n = LZ4_compress_default(src, packed, N, LZ4_compressBound(N));
  /* Room for N - 64 bytes (plus slack so the default build stays inside
   * the allocation's padding); we say N. */
  char *out = malloc(N - 64);
  int got = LZ4_decompress_safe(packed, out, n, N);
  printf("decompressed %d bytes into a %d-byte buffer\n", got, N - 64);
  return 0;
}
