/* A library file built twice: default, and as a variant with other flags. */
#include <melf.h>
#include <stdio.h>

int counter;                  /* shared by every variant */
static int total;             /* static: reached through the default build */

static int scaled(int x) {
#ifdef MELF_TRACE
  fprintf(stderr, "trace: scaled(%d)\n", x);
#endif
  return x * 2;
}

int add(int a, int b) {
  total += a;
  counter++;
  return a + scaled(b);
}

int overflow(int x) { return x + 1; } /* UB for INT_MAX: only UBSan sees it */

int get_total(void) { return total; }

const char *which(void) { return melf_compiled_variant(); }

static inline int twice(int x) { return 2 * x; }
int uses_inline(int x) { return twice(x); }
