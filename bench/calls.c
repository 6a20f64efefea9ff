/* Call overhead: a tiny multivariant function called in a loop, next to a
 * plain direct call, a target_clones (ifunc) function and a call through a
 * function pointer. Prints ns per call and the ratio to the plain call, in
 * the default variant and (when the CPU has it) after switching the process
 * to x86-64-v3. All four bodies are identical and not inlined. */
#include <melf.h>
#include <stdio.h>
#include <time.h>

#define CALLS 200000000L

__attribute__((noinline)) int plain(int x) { return x * 3 + 1; }

__attribute__((variant("x86-64-v3"))) int multivariant(int x) {
  return x * 3 + 1;
}

__attribute__((target_clones("default", "arch=x86-64-v3")))
int clones(int x) { return x * 3 + 1; }

int (*volatile pointer)(int) = plain;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

#define TIME(label, call)                                                      \
  do {                                                                         \
    int acc = 0;                                                                \
    double t0 = now();                                                         \
    for (long i = 0; i < CALLS; i++)                                           \
      acc += call(acc & 0xff);                                                 \
    double ns = (now() - t0) * 1e9 / CALLS;                                    \
    if (base == 0)                                                             \
      base = ns;                                                               \
    printf("  %-28s %6.2f ns/call  %5.2fx   (%d)\n", label, ns, ns / base,   \
           acc);                                                               \
  } while (0)

static void run(const char *variant) {
  double base = 0;
  printf("variant %s:\n", variant);
  TIME("plain direct call", plain);
  TIME("MELF multivariant call", multivariant);
  TIME("target_clones (ifunc) call", clones);
  TIME("function pointer call", pointer);
}

int main(void) {
  run(melf_variant_name(melf_current_variant()));
  int v3 = melf_variant_find("x86-64-v3");
  if (v3 >= 0 && melf_switch_process(v3) == 0)
    run("x86-64-v3");
  else
    printf("(x86-64-v3 not available here: %s)\n",
           v3 >= 0 ? "this CPU lacks it" : "no such variant");
  return 0;
}
