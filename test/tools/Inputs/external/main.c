#include <melf.h>
#include <stdio.h>

__attribute__((variant("debug", "size"))) const char *which(void) {
  return melf_compiled_variant();
}

int main(void) {
  printf("app runs %s\n", which());
  return 0;
}
