// The kernels' program for the minimal runtime (no API).
#include <stdio.h>
const char *which(void);
int main(void) {
  printf("kernels in %s\n", which());
  return 0;
}
