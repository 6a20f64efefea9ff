/* A small C project for melf-annotate (test/tools/annotate-*.test). */
#include "util.h"
#include <stddef.h>

#define DEFINE_GETTER(n) int hot_get_##n(void) { return n; }
#define STATIC_INLINE static inline

DEFINE_GETTER(1)

STATIC_INLINE int hot_add(int a, int b) { return a + b; }

int hot_loop(const int *v, size_t n) {
  int s = 0;
  for (size_t i = 0; i < n; i++)
    s = hot_add(s, v[i]);
  return s;
}

__attribute__((always_inline)) inline int hot_inline(int x) { return x * 2; }
__attribute__((naked)) void hot_naked(void) { __asm__("ret"); }
__attribute__((section(".text.mine"))) int hot_section(int x) { return x; }
__attribute__((target("avx2"))) int hot_target(int x) { return x; }
__attribute__((variant("debug"))) int hot_marked(int x) { return x - 1; }
int hot_elsewhere(int x);

typedef float v8sf __attribute__((vector_size(32)));
v8sf hot_vector(v8sf a) { return a + a; }

int cold(int x) { return x + hot_inline(1); }

  int hot_indented(int x) { return x; }
static int hot_two(int x) { return x; } static int hot_three(int x) { return hot_two(x); }

int main(void) {
  int v[3] = {1, 2, 3};
  return hot_loop(v, 3) + hot_three(1) + hot_indented(0) + hot_get_1() +
         util_scale(2) + hot_marked(1) + cold(0) + hot_section(0) +
         hot_target(0);
}
