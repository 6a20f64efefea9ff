// A worker thread in a reduced variant, locked into its view: the worker
// handles input with the only functions its allow-list keeps
// (melf-reduce.allow: parse and what it calls), cannot switch back, map new
// code or make memory executable; calling a removed function stops it with
// libmelf's message naming the function and the variant; the main thread
// keeps the whole program meanwhile. Prints "CASE PASS melf-reduce/<name>"
// or "CASE FAIL melf-reduce/<name>: why".
// The worker function calls secret() (in its child), and its address is
// taken (pthread_create): with the default --melf-reduce-indirect=all it
// would be kept as a possible indirect-call target, so this test keeps only
// what the kept code itself can reach.
// MELF-LDFLAGS: -Wl,--melf-reduce=worker:%S/melf-reduce.allow -Wl,--melf-reduce-indirect=reachable
#include <melf.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

__attribute__((variant("size"))) __attribute__((noinline)) int digit(char c) {
  return c >= '0' && c <= '9' ? c - '0' : -1;
}

// Kept: the worker's entry point (melf-reduce.allow).
__attribute__((variant("size"))) __attribute__((noinline)) int parse(const char *s) {
  int n = 0, d;
  while ((d = digit(*s++)) >= 0)
    n = n * 10 + d;
  return n;
}

// Removed from the worker's variant: nothing it keeps calls it.
__attribute__((variant("size"))) __attribute__((noinline)) int secret(int x) {
  return x * 7 + 3;
}

static int failures;
static void report(const char *name, int ok, const char *why) {
  printf("CASE %s melf-reduce/%s%s%s\n", ok ? "PASS" : "FAIL", name, ok ? "" : ": ",
         ok ? "" : why);
  fflush(stdout);
  failures += !ok;
}

struct result {
  int sw, locked, parsed, back, exec_map, exec_prot;
  int child_signal;
  char message[512];
};

static void *worker(void *arg) {
  struct result *r = arg;
  r->sw = melf_switch_thread(melf_variant_find("worker"));
  r->locked = melf_lock_thread();
  r->parsed = parse("4096");
  r->back = melf_switch_thread(0);
  void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  r->exec_map = p == MAP_FAILED ? errno : 0;
  void *q = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  r->exec_prot = q == MAP_FAILED ? -1 : mprotect(q, 4096, PROT_READ | PROT_EXEC) ? errno : 0;
  // A child of the worker inherits its view and lock; it calls the removed
  // function, with its stderr in a pipe.
  int fds[2];
  if (pipe(fds) != 0)
    return NULL;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 2);
    close(fds[0]);
    int v = secret(1);  // a direct call into the removed slot
    _exit(v == 10 ? 0 : 1);
  }
  close(fds[1]);
  ssize_t n, got = 0;
  while ((n = read(fds[0], r->message + got, sizeof r->message - 1 - got)) > 0)
    got += n;
  close(fds[0]);
  int st = 0;
  waitpid(pid, &st, 0);
  r->child_signal = WIFSIGNALED(st) ? WTERMSIG(st) : -WEXITSTATUS(st);
  return NULL;
}

int main(void) {
  char why[700];
  if (melf_mode() != MELF_MODE_VIEWS) {
    report("views-mode", 0, "not in views mode");
    return 1;
  }
  struct result r;
  memset(&r, 0, sizeof r);
  pthread_t t;
  pthread_create(&t, NULL, worker, &r);
  pthread_join(t, NULL);
  snprintf(why, sizeof why, "switch %d, lock %d, parse %d", r.sw, r.locked, r.parsed);
  report("worker-runs-its-allowed-functions-locked", r.sw >= 0 && r.locked == 0 && r.parsed == 4096,
         why);
  snprintf(why, sizeof why, "switch back %d (want MELF_ELOCKED)", r.back);
  report("worker-cannot-switch-back", r.back == MELF_ELOCKED, why);
  snprintf(why, sizeof why, "mmap(PROT_EXEC): %d, mprotect(PROT_EXEC): %d (want EPERM)",
           r.exec_map, r.exec_prot);
  report("worker-cannot-map-new-code", r.exec_map == EPERM && r.exec_prot == EPERM, why);
  r.message[sizeof r.message - 1] = 0;
  snprintf(why, sizeof why, "child ended with %d, said: %.400s", r.child_signal, r.message);
  report("removed-function-stops-with-its-name",
         r.child_signal > 0 && strstr(r.message, "'secret'") &&
             strstr(r.message, "not in its variant 'worker'") &&
             strchr(r.message, '\n') == strrchr(r.message, '\n'),
         why);
  report("main-thread-keeps-the-whole-program", secret(1) == 10 && parse("12") == 12,
         "secret() or parse() failed in the main thread");
  return failures != 0;
}
