// A program compiled and linked whole with -fsanitize=thread (every body of
// every variant instrumented): MELF_VARIANT and process-wide switches with
// four threads running work in the area. libmelf maps images with the raw
// system call, so TSan's mmap interceptor never sees the remap; every switch
// succeeds or reports busy, no thread sees a wrong result, TSan reports no race.
// RUN: %clang %melf_cflags -O1 -g -fsanitize=thread -c %s -o %t.o
// RUN: %clang %melf_ldflags -fsanitize=thread %t.o -o %t -lpthread
// RUN: env TSAN_OPTIONS=halt_on_error=1:exitcode=66 MELF_VARIANT=debug %t 0 0 2>&1 | FileCheck %s --check-prefix=START
// RUN: env TSAN_OPTIONS=halt_on_error=1:exitcode=66 %t 4 60 2>&1 | FileCheck %s
// START: start-up variant debug
// START: threads 0: switches ok {{[0-9]+}}, busy {{[0-9]+}}, wrong 0, other 0
// CHECK-NOT: ThreadSanitizer
// CHECK: threads 4: switches ok {{[1-9][0-9]*}}, busy {{[0-9]+}}, wrong 0, other 0
// CHECK-NOT: ThreadSanitizer
#include <melf.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((variant("debug", "size")))
int work(int x) {
  const char *v = melf_compiled_variant();
  int s = 0;
  for (int i = 0; i < 200; i++)
    s += (x ^ i) * 3;
  return s + (!strcmp(v, "debug") ? 1000000 : !strcmp(v, "size") ? 2000000 : 0);
}

static int expect(int x) {
  int s = 0;
  for (int i = 0; i < 200; i++)
    s += (x ^ i) * 3;
  return s;
}

static atomic_int stop;
static atomic_long calls, bad;
static void *worker(void *arg) {
  int k = (int)(long)arg;
  while (!atomic_load(&stop)) {
    int off = work(k) - expect(k);
    if (off != 0 && off != 1000000 && off != 2000000)
      atomic_fetch_add(&bad, 1);
    atomic_fetch_add(&calls, 1);
  }
  return 0;
}

int main(int argc, char **argv) {
  int nthr = atoi(argv[1]), n = atoi(argv[2]);
  int off = work(7) - expect(7);
  printf("start-up variant %s\n", off == 1000000 ? "debug" : off == 2000000 ? "size" : "default");
  pthread_t t[16];
  for (long i = 0; i < nthr; i++)
    pthread_create(&t[i], 0, worker, (void *)i);
  while (nthr && atomic_load(&calls) < 100)
    ;
  int ok = 0, busy = 0, other = 0, wrong = 0;
  for (int i = 0; i < n; i++) {
    int id = i % 3;
    int rc = melf_switch_process(id);
    if (rc == 0) {
      ok++;
      if (work(5) - expect(5) != id * 1000000 || melf_current_variant() != id)
        wrong++;
    } else if (rc == MELF_EBUSY) {
      busy++;
    } else {
      other++;
      printf("unexpected: %s\n", melf_strerror(rc));
    }
  }
  atomic_store(&stop, 1);
  for (int i = 0; i < nthr; i++)
    pthread_join(t[i], 0);
  printf("threads %d: switches ok %d, busy %d, wrong %ld, other %d\n", nthr, ok,
         busy, wrong + atomic_load(&bad), other);
  return 0;
}
