/* A vectorisable kernel with ISA-level, debug and sanitizer variants. */
#include <melf.h>
#include <stdio.h>

__attribute__((variant("x86-64-v2", "x86-64-v3", "x86-64-v4", "debug", "asan")))
int dot(const int *restrict a, const int *restrict b, int n) {
  int s = 0;
  for (int i = 0; i < n; i++)
    s += a[i] * b[i];
  return s;
}

__attribute__((variant("debug")))
const char *compiled_as(void) { return melf_compiled_variant(); }

int main(void) {
  int a[1024], b[1024];
  for (int i = 0; i < 1024; i++) {
    a[i] = i;
    b[i] = 1024 - i;
  }
  printf("dot = %d (body compiled as '%s')\n", dot(a, b, 1024), compiled_as());
  return 0;
}
