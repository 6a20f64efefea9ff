// Guest threads test: two CPUs are online, two pthreads pinned to different
// CPUs really run there at the same time, a raw futex wait/wake hands a
// value between them, and both join. Later tests put such threads in
// different address-space views.
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static _Atomic int arrived;     // both threads spin here: proves parallelism
static _Atomic uint32_t word;   // futex word: 0 -> 1 (posted by thread 1)
static int cpu_of[2];
static int saw_other[2];
static int woke;

static long futex(_Atomic uint32_t *uaddr, int op, uint32_t val) {
  struct timespec ts = {5, 0};
  return syscall(SYS_futex, uaddr, op, val, op == FUTEX_WAIT ? &ts : NULL, NULL, 0);
}

static void *run(void *arg) {
  int id = (int)(long)arg;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(id, &set);
  if (sched_setaffinity(0, sizeof set, &set) != 0)
    return (void *)1;
  cpu_of[id] = sched_getcpu();
  // Spin (no sleeping) until both threads are here, for at most 2 s; on
  // one CPU the spinning thread would only see the other after preemption.
  atomic_fetch_add(&arrived, 1);
  time_t deadline = time(NULL) + 2;
  while (atomic_load(&arrived) < 2 && time(NULL) < deadline)
    ;
  saw_other[id] = atomic_load(&arrived) == 2;
  if (id == 0) {
    while (atomic_load(&word) == 0) {
      long r = futex(&word, FUTEX_WAIT, 0);
      if (r != 0 && errno != EAGAIN && errno != EINTR)
        return (void *)2;
    }
    woke = 1;
  } else {
    usleep(100 * 1000); // let thread 0 block in FUTEX_WAIT first
    atomic_store(&word, 1);
    futex(&word, FUTEX_WAKE, 1);
  }
  return NULL;
}

int main(void) {
  int failures = 0;
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  printf("%s: %ld CPUs online\n", n == 2 ? "ok" : "FAILED", n);
  failures += n != 2;

  pthread_t t[2];
  for (long i = 0; i < 2; i++)
    if (pthread_create(&t[i], NULL, run, (void *)i) != 0) {
      printf("FAILED: pthread_create\n");
      return 1;
    }
  for (int i = 0; i < 2; i++) {
    void *ret;
    int r = pthread_join(t[i], &ret);
    printf("%s: thread %d joined (status %ld), ran on CPU %d, saw the other thread spinning: %s\n",
           r == 0 && ret == NULL && cpu_of[i] == i && saw_other[i] ? "ok" : "FAILED", i,
           (long)ret, cpu_of[i], saw_other[i] ? "yes" : "no");
    failures += !(r == 0 && ret == NULL && cpu_of[i] == i && saw_other[i]);
  }
  printf("%s: futex wait/wake handed the value over\n", woke ? "ok" : "FAILED");
  failures += !woke;
  return failures != 0;
}
