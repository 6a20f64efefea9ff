// The harness boots an UNPATCHED kernel for now: the mmview system call
// (x86-64 number 1000, the published interface) must not exist yet, so
// mmview(CURRENT) fails with ENOSYS. This test is expected to change when
// kernel/patches/ adds mmview: it then becomes "mmview(CURRENT) returns 0".
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define NR_MMVIEW 1000
#define MMVIEW_CURRENT 2

int main(void) {
  errno = 0;
  long r = syscall(NR_MMVIEW, MMVIEW_CURRENT);
  int e = errno;
  int ok = r == -1 && e == ENOSYS;
  printf("%s: syscall(%d, CURRENT) = %ld, errno %d (%s); expected -1 ENOSYS on the unpatched kernel\n",
         ok ? "ok" : "FAILED", NR_MMVIEW, r, e, strerror(e));
  return !ok;
}
