// Multivariant functions called directly, through a correctly typed pointer
// and through a wrongly typed one (for -fsanitize=function), for the prefix
// tests (bodies with bytes before their entry).
#include <melf.h>
#include <stdio.h>

__attribute__((variant("debug", "size")))
int twice(int x) { return 2 * x; }

__attribute__((variant("debug")))
const char *which(void) { return melf_compiled_variant(); }

int main(void) {
  int (*volatile good)(int) = twice;
  printf("%s: twice %d via pointer %d\n", which(), twice(7), good(7));
  fflush(stdout);
  long (*volatile bad)(long) = (long (*)(long))(void *)twice;
  return (int)bad(3) == 6 ? 0 : 1;
}
