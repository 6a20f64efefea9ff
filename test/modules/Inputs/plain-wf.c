#include <stdio.h>
const char *wf_which(void);
int wf_twice(int);
int main(void) { printf("wf: %s %d\n", wf_which(), wf_twice(21)); return 0; }
