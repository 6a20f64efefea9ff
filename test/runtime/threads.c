// Process-wide switches while other threads keep calling multivariant
// functions: every switch completes at a safe point (the main thread then
// runs the new code) or reports busy; no thread ever sees a wrong result or
// crashes. melf_switch_thread needs views with several threads. Also under
// ASan and TSan (libmelf and the driver instrumented).
// RUN: %clang %melf_cflags -O2 -DVARIANTS_ONLY -c %s -o %t.v.o
// RUN: %clang %melf_cflags -O2 -DMAIN_ONLY -c %s -o %t.m.o
// RUN: %clang %melf_ldflags %t.v.o %t.m.o -o %t -lpthread
// RUN: %t 4 300 | FileCheck %s
// RUN: %clang %melf_ldflags -static %t.v.o %t.m.o -o %t.static -lpthread
// RUN: %t.static 2 200 | FileCheck %s
// RUN: %clang %melf_cflags -O1 -g -DMAIN_ONLY -fsanitize=address -c %s -o %t.asan.o
// RUN: %clang %asan_melf_ldflags -fsanitize=address %t.v.o %t.asan.o -o %t.asan -lpthread
// RUN: %t.asan 3 100 | FileCheck %s
// RUN: %clang %melf_cflags -O1 -g -DMAIN_ONLY -fsanitize=thread -c %s -o %t.tsan.o
// RUN: %clang %tsan_melf_ldflags -fsanitize=thread %t.v.o %t.tsan.o -o %t.tsan -lpthread
// RUN: env TSAN_OPTIONS=halt_on_error=1:exitcode=66 %t.tsan 2 20 | FileCheck %s --check-prefix=TSAN
// The whole program under TSan, every body of every variant instrumented,
// four threads, started in a non-default variant: libmelf maps images with
// the raw system call, never through TSan's mmap interceptor (which crashed).
// RUN: %clang %melf_cflags -O1 -g -fsanitize=thread -c %s -o %t.tw.o
// RUN: %clang %melf_ldflags -fsanitize=thread %t.tw.o -o %t.tw -lpthread
// RUN: env TSAN_OPTIONS=halt_on_error=1:exitcode=66 MELF_VARIANT=debug %t.tw 4 60 | FileCheck %s --check-prefix=TSAN
#include <melf.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int work(int x);
#ifndef MAIN_ONLY
// A loop long enough that threads are often inside it when signalled;
// debug adds 1000000, size 2000000 to the common result.
__attribute__((variant("debug", "size")))
int work(int x) {
  const char *v = melf_compiled_variant();
  int s = 0;
  for (int i = 0; i < 300; i++)
    s += (x ^ i) * 3;
  return s + (!strcmp(v, "debug") ? 1000000 : !strcmp(v, "size") ? 2000000 : 0);
}
#endif

#ifndef VARIANTS_ONLY
static int expect(int x) {
  int s = 0;
  for (int i = 0; i < 300; i++)
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
  int nthr = argc > 1 ? atoi(argv[1]) : 4, n = argc > 2 ? atoi(argv[2]) : 200;
  pthread_t t[16];
  for (long i = 0; i < nthr; i++)
    pthread_create(&t[i], 0, worker, (void *)i);
  while (atomic_load(&calls) < 1000)
    ;
  int ok = 0, busy = 0, other = 0, wrong = 0;
  int rc_thread = melf_switch_thread(1);
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
  printf("switch_thread with threads: %s\n", melf_strerror(rc_thread));
  printf("%d switches: ok+busy %d, other %d, wrong %d, bad results %ld\n", n,
         ok + busy, other, wrong, atomic_load(&bad));
  printf("some switched: %d\n", ok > 0);
  fprintf(stderr, "ok %d busy %d calls %ld\n", ok, busy, atomic_load(&calls));
  return 0;
}
#endif
// CHECK: switch_thread with threads: per-thread switching needs kernel address-space views
// CHECK: [[N:[0-9]+]] switches: ok+busy [[N]], other 0, wrong 0, bad results 0
// CHECK: some switched: 1
// TSan may keep signals from threads until they call into its runtime, so
// every switch may report busy there; it must not report races or crash.
// TSAN: switch_thread with threads: per-thread switching needs kernel address-space views
// TSAN: [[N:[0-9]+]] switches: ok+busy [[N]], other 0, wrong 0, bad results 0
