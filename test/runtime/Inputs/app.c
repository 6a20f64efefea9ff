// A MELF program for the runtime tests: which() returns the name of the
// variant whose code actually runs (the pass folds melf_compiled_variant()
// per clone), and sum() computes a result every variant must agree on.
#include <melf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((variant("debug", "x86-64-v3", "size")))
const char *which(void) { return melf_compiled_variant(); }

__attribute__((variant("debug", "x86-64-v3", "size")))
long sum(const int *p, int n) {
  long s = 0;
  for (int i = 0; i < n; i++)
    s += (long)p[i] * p[i];
  return s;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0); // interleave with the runtime's stderr
  int a[100];
  for (int i = 0; i < 100; i++)
    a[i] = i - 50;
  if (melf_status() != 0)
    printf("status %d: %s\n", melf_status(), melf_status_message());
  printf("running %s, current %s, sum %ld\n", which(),
         melf_variant_name(melf_current_variant()), sum(a, 100));
  // app NAME...: switch the process to each NAME and report.
  for (int i = 1; i < argc; i++) {
    int id = melf_variant_find(argv[i]);
    int rc = id < 0 ? id : melf_switch_process(id);
    printf("switch %s: %s; running %s, sum %ld\n", argv[i], melf_strerror(rc),
           which(), sum(a, 100));
  }
  return 0;
}
