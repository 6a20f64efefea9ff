// Per-request hardening: one server process handles trusted requests with
// the default (optimised) code and untrusted ones with the `asan` variant
// of the same functions. A malicious untrusted request overflows a heap
// buffer in parse(): the asan variant stops it at the first out-of-bounds
// write (an AddressSanitizer report, and the process ends); handled with the
// default code, the same request writes past the block and nothing notices.
// The program links ASan's runtime (the asan variant needs it), so ASan's
// allocator and interceptors are active for every request: their cost is
// part of the default variant's figure too.
//
//   requests [asan|default]   handle untrusted requests in that variant
//   requests worker           handle them in `worker`, a reduced variant
//   requests VARIANT hijack   the reduced worker's requests in VARIANT
//
// `worker` (ld.melf --melf-reduce=worker:examples/hardening/worker.list,
// with this file's code in the MELF area: --melf-area-object) is an image
// that keeps only the untrusted-request handler and what it calls; every
// other function of this file is trap bytes there. Its last request
// simulates a hijacked reply pointer (as an overflow could make it) that
// calls admin_shutdown: in `worker` the call stops at a trap with libmelf's
// message naming admin_shutdown and the process ends; in a full variant
// (`requests default hijack`) the server shuts down.
//
// With address-space views (the QEMU guest of `make check`) the variant is
// per thread: a worker thread switched to the hardened variant handles the
// untrusted requests while the main thread handles trusted ones in the
// default variant at the same time. The attack is handled in a child the
// worker forks (the child runs the worker's variant), so the server sees
// the child stopped and carries on; it exits 1 if the attack went unnoticed
// with `asan` or a request ran another variant than its thread's.
#include <melf.h>
#include <melf/abi.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct request {
  int trusted;
  const char *body;
  void (*reply)(int id, int n, unsigned sum); // reduced worker's requests
};

// The bug: copies the body into a fixed-size record without checking.
__attribute__((variant("asan"))) __attribute__((noinline)) int parse(const char *body,
                                                                    char *record) {
  int n = 0;
  while (body[n]) {
    record[n] = body[n]; // no bound: a body longer than 32 bytes overflows
    n++;
  }
  record[n] = 0;
  return n;
}

__attribute__((variant("asan"))) __attribute__((noinline)) unsigned checksum(const char *s,
                                                                            int n) {
  unsigned h = 2166136261u;
  for (int i = 0; i < n; i++)
    h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

// ---- A reduced worker ---------------------------------------------------
// worker.list names serve_untrusted (process mode) and reduced_thread
// (views mode): they, handle_untrusted, parse, checksum and send_reply are
// kept in the `worker` image; main, admin_shutdown and the rest are traps.
static void send_reply(int id, int n, unsigned sum) {
  printf("request %d (untrusted) ran %-7s: %2d bytes, checksum %08x, replied\n", id,
         melf_variant_name(melf_current_variant()), n, sum);
  fflush(stdout);
}

// Trusted code only: no untrusted request should ever get here.
__attribute__((noinline)) void admin_shutdown(int id, int n, unsigned sum) {
  (void)n, (void)sum;
  printf("request %d (untrusted) ran %-7s: admin_shutdown: the server shuts down\n", id,
         melf_variant_name(melf_current_variant()));
  fflush(stdout);
  exit(3);
}

static const struct request untrusted_requests[] = {
    {0, "GET /search?q=melf", send_reply},
    {0, "GET /item?id=42", send_reply},
    // A hijacked request: its reply pointer now points at admin_shutdown.
    {0, "POST /comment", admin_shutdown},
};
enum { N_UNTRUSTED = sizeof untrusted_requests / sizeof untrusted_requests[0] };

__attribute__((noinline)) void handle_untrusted(int id, const struct request *r, char *record) {
  int n = parse(r->body, record);
  r->reply(id, n, checksum(record, n));
}

// Process mode: the whole process runs `variant` for one request.
__attribute__((noinline)) int serve_untrusted(int variant, int id, const struct request *r,
                                              char *record) {
  int rc = melf_switch_process(variant);
  if (rc == 0) {
    handle_untrusted(id, r, record);
    rc = melf_switch_process(0);
  }
  return rc;
}

static int reduced_process(int variant) {
  char *record = malloc(32);
  static const char *trusted[] = {"GET /index.html", "GET /about"};
  for (int i = 0; i < N_UNTRUSTED; i++) {
    if (i < 2) {
      int n = parse(trusted[i], record);
      printf("request %d (trusted  ) ran %-7s: %2d bytes\n", 2 * i,
             melf_variant_name(melf_current_variant()), n);
    }
    if (untrusted_requests[i].reply == admin_shutdown)
      printf("request %d (untrusted): its reply pointer was overwritten to call admin_shutdown\n",
             2 * i + 1);
    fflush(stdout);
    if (serve_untrusted(variant, 2 * i + 1, &untrusted_requests[i], record) != 0)
      return 1;
  }
  free(record);
  return 0;
}

// Views mode: a worker thread switches to `worker`, locks itself in (a
// switch back must then fail) and serves the untrusted requests; the
// hijacked one runs in a child it forks (the child inherits the view and
// the lock), which the trap ends while the server carries on.
struct reduced_job {
  int variant, bad, locked, hijack_status;
};

__attribute__((noinline)) void *reduced_thread(void *arg) {
  struct reduced_job *j = arg;
  if (melf_switch_thread(j->variant) != 0 || melf_lock_thread() != 0) {
    j->bad = 1;
    return NULL;
  }
  j->locked = melf_switch_thread(0) == MELF_ELOCKED;
  char *record = malloc(32);
  for (int i = 0; i + 1 < N_UNTRUSTED; i++)
    handle_untrusted(2 * i + 1, &untrusted_requests[i], record);
  j->bad |= melf_current_variant() != j->variant;
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    handle_untrusted(2 * N_UNTRUSTED - 1, &untrusted_requests[N_UNTRUSTED - 1], record);
    _exit(0);
  }
  if (pid < 0 || waitpid(pid, &j->hijack_status, 0) != pid)
    j->bad = 1;
  free(record);
  return NULL;
}

static int reduced_views(int variant) {
  struct reduced_job j = {.variant = variant};
  pthread_t th;
  if (pthread_create(&th, NULL, reduced_thread, &j) != 0)
    return 1;
  pthread_join(th, NULL);
  // The call ran if the child exited 3 (admin_shutdown) or 0 (it returned);
  // a trap ends it with the signal, or with exit status 1 when ASan's
  // handler, which runs after libmelf's message, reports the signal.
  int st = j.hijack_status;
  int trapped = !WIFEXITED(st) || (WEXITSTATUS(st) != 0 && WEXITSTATUS(st) != 3);
  printf("reduced worker (thread in %s, locked: %s): the hijacked call %s\n",
         melf_variant_name(variant), j.locked ? "yes" : "no",
         trapped ? "stopped at a trap (the child ended without running it)" : "ran");
  return j.bad | !j.locked | !trapped;
}

// ---- Views mode: one thread per kind of request -------------------------
static const char *untrusted_bodies[] = {
    "GET /search?q=melf",
    "GET /AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", // attack
};

struct worker {
  int variant, bad, attack_status;
};

static void *untrusted_worker(void *arg) {
  struct worker *w = arg;
  if (melf_switch_thread(w->variant) != 0) {
    w->bad = 1;
    return NULL;
  }
  char *record = malloc(32);
  int n = parse(untrusted_bodies[0], record);
  printf("untrusted request (thread in %s): %d bytes into a 32-byte record\n",
         melf_variant_name(melf_current_variant()), n + 1);
  w->bad |= melf_current_variant() != w->variant;
  fflush(stdout);
  pid_t pid = fork(); // the child runs this thread's variant
  if (pid == 0) {
    n = parse(untrusted_bodies[1], record);
    printf("attack (child in %s): %d bytes into a 32-byte record, past its end, unnoticed\n",
           melf_variant_name(melf_current_variant()), n + 1);
    fflush(stdout);
    _exit(0);
  }
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid)
    w->bad = 1;
  w->attack_status = status;
  free(record);
  return NULL;
}

static int per_thread(int hardened) {
  struct worker w = {.variant = hardened};
  pthread_t th;
  if (pthread_create(&th, NULL, untrusted_worker, &w) != 0)
    return 1;
  static const char *trusted[] = {"GET /index.html", "GET /about", "GET /contact"};
  char *record = malloc(32);
  int bad = 0;
  for (int i = 0; i < 3; i++) {
    int n = parse(trusted[i], record);
    bad |= melf_current_variant() != 0;
    printf("trusted request %d (thread in %s): %d bytes into a 32-byte record\n", i,
           melf_variant_name(melf_current_variant()), n + 1);
  }
  free(record);
  pthread_join(th, NULL);
  int stopped = !WIFEXITED(w.attack_status) || WEXITSTATUS(w.attack_status) != 0;
  printf("the attack in the %s variant: %s\n", melf_variant_name(hardened),
         stopped ? "stopped (the child ended with an error)" : "not noticed");
  int want_stopped = strcmp(melf_variant_name(hardened), "asan") == 0;
  return bad | w.bad | (stopped != want_stopped);
}

int main(int argc, char **argv) {
  const char *untrusted_variant = argc > 1 ? argv[1] : "asan";
  int hardened = melf_variant_find(untrusted_variant);
  if (hardened < 0) {
    fprintf(stderr, "no variant '%s'\n", untrusted_variant);
    return 2;
  }
  int reduced = (melf_variant_flags(hardened) & MELF_VF_REDUCED) != 0;
  if (melf_mode() == MELF_MODE_VIEWS) {
    int worker = melf_variant_find("worker"), rc = 0;
    if (!reduced)
      rc = per_thread(hardened);
    if (worker > 0 && (melf_variant_flags(worker) & MELF_VF_REDUCED))
      rc |= reduced_views(worker);
    return rc;
  }
  if (reduced || (argc > 2 && strcmp(argv[2], "hijack") == 0))
    return reduced_process(hardened);
  // Cost of each variant on ordinary requests.
  char body[32] = "GET /index.html HTTP/1.1";
  for (int v = 0; v < 2; v++) {
    melf_switch_process(v ? hardened : 0);
    char *rec = malloc(32);
    double t0 = now();
    unsigned h = 0;
    for (int i = 0; i < 200000; i++)
      h += checksum(rec, parse(body, rec));
    printf("%-8s %6.1f ns per request (checksum %08x)\n", melf_variant_name(v ? hardened : 0),
           (now() - t0) / 200000 * 1e9, h);
    free(rec);
  }
  melf_switch_process(0);

  struct request reqs[] = {
      {1, "GET /index.html"},
      {0, "GET /search?q=melf"},
      {1, "GET /about"},
      {0, "GET /AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}, // attack
      {1, "GET /contact"},
  };
  char *record = malloc(32);
  for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
    int v = reqs[i].trusted ? 0 : hardened;
    melf_switch_process(v);
    fflush(stdout);
    int n = parse(reqs[i].body, record);
    printf("request %zu (%-9s) ran %-7s: %2d bytes into a 32-byte record%s\n", i,
           reqs[i].trusted ? "trusted" : "untrusted", melf_variant_name(v), n + 1,
           n >= 32 ? ", past its end, unnoticed" : "");
    melf_switch_process(0);
  }
  free(record);
  return 0;
}
