#include <limits.h>
#include <stdio.h>
int add(int, int);
int overflow(int);
int get_total(void);
const char *which(void);
extern int counter;
int main(void) {
  int r = add(1, 2);
  printf("%s add=%d counter=%d total=%d overflow=%d\n", which(), r, counter,
         get_total(), overflow(INT_MAX - 1));
  printf("big=%d\n", overflow(INT_MAX));
  return 0;
}
