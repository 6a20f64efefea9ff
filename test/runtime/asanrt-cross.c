// MELF's ASan runtime: memory crosses variants. Blocks allocated in one
// variant are freed and reallocated in the other, also by other threads
// while the process switches; each block goes back to the allocator that
// owns it (no crash, no report). realloc in the asan variant moves a
// C-library block into ASan's allocator; in the default variant an ASan
// block stays ASan's. Per-thread state (views mode) is driven here through
// the hook itself (MELF_VARIANT_HOOK_SYMBOL), as libmelf calls it: a thread
// in an instrumented view allocates from ASan and so do its new threads.
// Also the benchmark's deterministic proxy: every allocation of the
// default variant comes from the C library.
// REQUIRES: ld-melf, melf-asan-runtime
// RUN: rm -rf %t && mkdir %t
// RUN: melf-clang -O1 -g -c %s -o %t/a.o
// RUN: melf-clang %t/a.o -o %t/a -lpthread
// RUN: %t/a 2>&1 | FileCheck %s --check-prefixes=CHECK,DEF
// RUN: env MELF_VARIANT=asan %t/a 2>&1 | FileCheck %s --check-prefixes=CHECK,ASAN
// CHECK-NOT: AddressSanitizer
// DEF: start in default: 0 of 7 allocations from asan
// ASAN: start in asan: 7 of 7 allocations from asan
// CHECK: default: 0 of 7 allocations from asan
// CHECK: asan: 7 of 7 allocations from asan
// CHECK: asan frees and reallocs default's: realloc moved 3 of 3 to asan, contents kept
// CHECK: default frees and reallocs asan's: realloc kept 3 of 3 in asan, contents kept
// CHECK: threads: 4 workers, {{[0-9]+}} switches, {{[0-9]+}} blocks crossed, done
// DEF: thread in an asan view: 1, its new thread: 1, back to the base view: 0, other threads: 0
// ASAN: thread in an asan view: 1, its new thread: 1, back to the base view: 1, other threads: 1
// DEF: forked child: 0 from asan, freed the parent's blocks
// ASAN: forked child: 1 from asan, freed the parent's blocks
// CHECK: done
#include <melf.h>
#include <melf/abi.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int __sanitizer_get_ownership(const void *p);
void __melf_variant_changed(int scope, uint32_t flags);

static int asan_id;

// Reads and writes every byte: in the asan variant a wrong size is a report.
__attribute__((variant("asan"), noinline)) unsigned touch(unsigned char *p,
                                                           size_t n) {
  unsigned s = 0;
  for (size_t i = 0; i < n; i++) {
    s += p[i];
    p[i] = (unsigned char)(i * 7);
  }
  return s;
}

static int kept(const unsigned char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != (unsigned char)(i * 7))
      return 0;
  return 1;
}

static void go(int id) {
  if (melf_switch_process(id) != 0) {
    printf("switch failed\n");
    exit(1);
  }
}

// Seven allocation functions; how many blocks ASan's allocator owns.
static int owned_of_seven(void) {
  void *v[7];
  v[0] = malloc(100);
  v[1] = calloc(10, 10);
  v[2] = realloc(NULL, 100);
  v[3] = aligned_alloc(64, 128);
  if (posix_memalign(&v[4], 256, 100))
    v[4] = NULL;
  v[5] = strdup("seven");
  v[6] = valloc(100);
  int n = 0;
  for (int i = 0; i < 7; i++) {
    n += __sanitizer_get_ownership(v[i]) != 0;
    free(v[i]);
  }
  return n;
}

#define NSLOT 64
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char *slot[NSLOT];
static size_t slot_n[NSLOT];
static volatile int stop;
static long crossed;

static void *worker(void *arg) {
  unsigned seed = (unsigned)(size_t)arg;
  while (!stop) {
    seed = seed * 1103515245u + 12345u;
    size_t n = 1 + (seed >> 8) % 600;
    unsigned char *b = malloc(n);
    touch(b, n);
    int k = (seed >> 4) % NSLOT;
    pthread_mutex_lock(&lock);
    unsigned char *old = slot[k];
    size_t oldn = slot_n[k];
    slot[k] = b;
    slot_n[k] = n;
    crossed++;
    pthread_mutex_unlock(&lock);
    if (old) {
      if (seed & 1) {
        old = realloc(old, oldn + 50);
        touch(old, oldn + 50);
      }
      free(old);
    }
  }
  return NULL;
}

struct inherit {
  int self, child;
};

static void *child_main(void *arg) {
  void *p = malloc(10);
  *(int *)arg = __sanitizer_get_ownership(p);
  free(p);
  return NULL;
}

static void *viewer(void *arg) {
  struct inherit *r = arg;
  __melf_variant_changed(MELF_HOOK_THREAD, MELF_VF_ASAN); // as migrate_to
  void *p = malloc(10);
  r->self = __sanitizer_get_ownership(p);
  pthread_t t;
  pthread_create(&t, NULL, child_main, &r->child);
  pthread_join(t, NULL);
  __melf_variant_changed(MELF_HOOK_THREAD_BASE, 0);
  free(p); // an ASan block, freed while following the base view
  return NULL;
}

static void *plain_thread(void *arg) { return child_main(arg); }

int main(void) {
  asan_id = melf_variant_find("asan");
  int start = melf_current_variant();
  printf("start in %s: %d of 7 allocations from asan\n",
         melf_variant_name(start), owned_of_seven());
  go(0);
  printf("default: %d of 7 allocations from asan\n", owned_of_seven());
  go(asan_id);
  printf("asan: %d of 7 allocations from asan\n", owned_of_seven());

  // Blocks of the default variant, used, freed and reallocated in asan.
  unsigned char *d[3], *a[3];
  go(0);
  for (int i = 0; i < 3; i++) {
    d[i] = malloc(40 + i);
    touch(d[i], 40 + i);
  }
  unsigned char *dfree = malloc(30);
  go(asan_id);
  free(dfree);
  int moved = 0, ok = 1;
  for (int i = 0; i < 3; i++) {
    d[i] = realloc(d[i], 4000);
    moved += __sanitizer_get_ownership(d[i]) != 0;
    ok &= kept(d[i], 40 + i);
    touch(d[i], 4000);
  }
  printf("asan frees and reallocs default's: realloc moved %d of 3 to asan, "
         "contents %s\n", moved, ok ? "kept" : "LOST");
  for (int i = 0; i < 3; i++) {
    a[i] = malloc(50 + i);
    touch(a[i], 50 + i);
  }
  unsigned char *afree = malloc(30);
  go(0);
  free(afree);
  int stayed = 0;
  ok = 1;
  for (int i = 0; i < 3; i++) {
    a[i] = realloc(a[i], 5000);
    stayed += __sanitizer_get_ownership(a[i]) != 0;
    ok &= kept(a[i], 50 + i);
    free(d[i]);
  }
  printf("default frees and reallocs asan's: realloc kept %d of 3 in asan, "
         "contents %s\n", stayed, ok ? "kept" : "LOST");
  for (int i = 0; i < 3; i++)
    free(a[i]);

  // Threads exchange blocks while the process switches back and forth.
  pthread_t w[4];
  for (int i = 0; i < 4; i++)
    pthread_create(&w[i], NULL, worker, (void *)(size_t)(i + 1));
  int switches = 0;
  for (int i = 0; i < 40; i++) {
    usleep(2000);
    if (melf_switch_process(i % 2 ? 0 : asan_id) == 0)
      switches++;
  }
  stop = 1;
  for (int i = 0; i < 4; i++)
    pthread_join(w[i], NULL);
  go(start);
  for (int k = 0; k < NSLOT; k++)
    free(slot[k]);
  printf("threads: 4 workers, %d switches, %ld blocks crossed, done\n",
         switches, crossed);

  // A thread in a view of its own (as libmelf reports views mode).
  struct inherit r = {-1, -1};
  int other = -1, back = -1;
  pthread_t t;
  pthread_create(&t, NULL, viewer, &r);
  pthread_join(t, NULL);
  pthread_create(&t, NULL, plain_thread, &other);
  pthread_join(t, NULL);
  void *p = malloc(10);
  back = __sanitizer_get_ownership(p) != 0;
  free(p);
  printf("thread in an asan view: %d, its new thread: %d, back to the base "
         "view: %d, other threads: %d\n", r.self, r.child, back, other);

  // fork: the child runs the forking thread's variant.
  go(0);
  void *pd = malloc(20);
  go(asan_id);
  void *pa = malloc(20);
  go(start);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    void *c = malloc(10);
    printf("forked child: %d from asan, ", __sanitizer_get_ownership(c));
    free(c);
    free(pd);
    free(pa);
    printf("freed the parent's blocks\n");
    fflush(stdout);
    _exit(0);
  }
  int st;
  waitpid(pid, &st, 0);
  free(pd);
  free(pa);
  puts(WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "done" : "child failed");
  return 0;
}
