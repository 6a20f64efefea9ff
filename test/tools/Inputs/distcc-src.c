#include <melf.h>
#include <stdio.h>
__attribute__((variant("debug"))) const char *which(void) {
  return melf_compiled_variant();
}
int main(void) { return puts(which()) < 0; }
