// An ordinary program, built without MELF, linked against a MELF library.
#include <stdio.h>
const char *lib_which(void);
const char *lib_which_inside(void);
int lib_compute(int);
int main(void) {
  printf("plain: lib %s (inside %s), compute %d\n", lib_which(),
         lib_which_inside(), lib_compute(20));
  return 0;
}
