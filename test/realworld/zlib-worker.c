/* zlib as a MELF program with a reduced worker (docs/security.md,
 * "Measurements"; test/realworld/reduce.sh builds and checks it). The
 * program's main thread keeps zlib's full code and runs zlib's own test
 * program (test/example.c from the Debian source, compiled in with
 * -Dmain=zlib_example_main); a worker thread decompresses untrusted input
 * (gzip or zlib streams from files) in a variant named on the command line,
 * normally `worker`, a reduced variant whose allow-list record mode wrote
 * from a training run of `inflate` (ld.melf --melf-reduce=worker:LIST).
 * zlib's objects and example.c are in the MELF area (--melf-area-object);
 * this file is not, so the allow-list holds zlib's functions only.
 *
 *   zlib-worker [-w VARIANT] inflate FILE...  the worker decompresses each
 *       FILE; prints "FILE: N bytes, crc32 X" or "FILE: error: MSG"
 *   zlib-worker [-w VARIANT] test [FILE...]   zlib's own test program in the
 *       main thread, and the worker on FILE... (views: at the same time)
 *   zlib-worker [-w VARIANT] deflate FILE     the worker compresses FILE,
 *       which its allow-list does not cover: in a reduced variant it stops
 *       with libmelf's trap message naming the missing function
 *   zlib-worker                               the QEMU guest's self-test
 *       (views mode): streams made in the main thread go to a `worker`
 *       locked into its view while zlib's tests run in the main thread; a
 *       forked worker that compresses must stop with the trap message
 *
 * Views mode (the mmview kernel): the worker switches its own thread with
 * melf_switch_thread and locks itself in (melf_lock_thread) before it
 * touches the input. Process mode (stock kernels): the whole process
 * switches, so the worker switches to VARIANT, handles its input and
 * switches back to `default` while the main thread waits outside the MELF
 * area. Exit status: 0, 1 if a test or a stream failed, 2 on bad usage or
 * a failed switch. */
#include <melf.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

int zlib_example_main(int argc, char *argv[]);

struct worker {
  int variant;    /* the variant the worker runs */
  int deflate;    /* compress instead of decompress */
  char **files;   /* NULL-terminated */
  int failed;     /* a stream did not decompress */
  int switch_err; /* a switch failed (MELF_E*) */
};

static unsigned char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 1 << 16, n = 0, got;
  unsigned char *buf = malloc(cap);
  while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) {
      unsigned char *more = realloc(buf, cap *= 2);
      if (!more)
        free(buf);
      buf = more;
    }
  }
  fclose(f);
  *len = n;
  return buf;
}

/* One untrusted stream: gzip or zlib (inflateInit2 with 15 + 32 detects
 * which), the output counted and checksummed, never trusted to be small. */
static int inflate_one(const char *path, const unsigned char *in, size_t len) {
  static unsigned char out[1 << 16];
  z_stream s;
  memset(&s, 0, sizeof s);
  if (inflateInit2(&s, 15 + 32) != Z_OK) {
    printf("%s: error: inflateInit2 failed\n", path);
    return 1;
  }
  s.next_in = (unsigned char *)in;
  s.avail_in = (uInt)len;
  unsigned long total = 0, crc = crc32(0, Z_NULL, 0);
  int rc;
  do {
    s.next_out = out;
    s.avail_out = sizeof out;
    rc = inflate(&s, Z_NO_FLUSH);
    size_t got = sizeof out - s.avail_out;
    crc = crc32(crc, out, (uInt)got);
    total += got;
  } while (rc == Z_OK);
  if (rc != Z_STREAM_END) {
    printf("%s: error: %s\n", path, s.msg ? s.msg : "truncated stream");
    inflateEnd(&s);
    return 1;
  }
  inflateEnd(&s);
  printf("%s: %lu bytes, crc32 %08lx\n", path, total, crc);
  return 0;
}

/* Not what the worker was trained for: compress the file. */
static int deflate_one(const char *path, const unsigned char *in, size_t len) {
  uLongf n = compressBound(len);
  unsigned char *out = malloc(n);
  int rc = out ? compress(out, &n, in, len) : Z_MEM_ERROR;
  printf("%s: compressed to %lu bytes (%d)\n", path, (unsigned long)n, rc);
  free(out);
  return rc != Z_OK;
}

static void *work(void *arg) {
  struct worker *w = arg;
  int views = melf_mode() == MELF_MODE_VIEWS;
  int rc = views ? melf_switch_thread(w->variant) : melf_switch_process(w->variant);
  if (rc == 0 && views)
    rc = melf_lock_thread();
  if (rc != 0) { /* never handle untrusted input unprotected */
    w->switch_err = rc;
    return NULL;
  }
  for (char **f = w->files; *f; f++) {
    size_t len = 0;
    unsigned char *in = read_file(*f, &len);
    if (!in) {
      printf("%s: error: cannot read it\n", *f);
      w->failed = 1;
      continue;
    }
    w->failed |= w->deflate ? deflate_one(*f, in, len) : inflate_one(*f, in, len);
    free(in);
  }
  fflush(stdout);
  if (!views && (rc = melf_switch_process(0)) != 0)
    w->switch_err = rc;
  return NULL;
}

/* The guest's deflate case: see guest_self_test. */
struct forker {
  int variant, err, status;
  const char *file;
  char msg[512];
};

static void *fork_and_deflate(void *arg) {
  struct forker *f = arg;
  int fds[2];
  if ((f->err = melf_switch_thread(f->variant)) != 0 || (f->err = melf_lock_thread()) != 0 ||
      pipe(fds) != 0)
    return NULL;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 2);
    size_t len = 0;
    unsigned char *in = read_file(f->file, &len);
    _exit(in ? deflate_one(f->file, in, len) + 10 : 20);
  }
  close(fds[1]);
  ssize_t got = 0, n;
  while ((n = read(fds[0], f->msg + got, sizeof f->msg - 1 - got)) > 0)
    got += n;
  close(fds[0]);
  waitpid(pid, &f->status, 0);
  return NULL;
}

static int guest_cases_failed;
static void guest_case(const char *name, int ok, const char *why) {
  printf("CASE %s realworld-zlib-worker/%s%s%s\n", ok ? "PASS" : "FAIL", name, ok ? "" : ": ",
         ok ? "" : why);
  fflush(stdout);
  guest_cases_failed += !ok;
}

/* The guest's self-test (no arguments; views mode): what the host runs from
 * files, with streams the main thread makes (full code) at start. */
static int guest_self_test(void) {
  static char paths[4][40];
  static char *files[5];
  static unsigned char src[24000];
  char why[600];
  int levels[4] = {0, 1, 6, 9};
  for (size_t i = 0; i < sizeof src; i++)
    src[i] = (unsigned char)("melf zlib worker "[i % 17] ^ (i / 251));
  for (int k = 0; k < 4; k++) {
    uLongf n = compressBound(sizeof src);
    unsigned char *buf = malloc(n);
    FILE *f;
    snprintf(paths[k], sizeof paths[k], "/tmp/zlib-worker-%d.zz", levels[k]);
    if (!buf || compress2(buf, &n, src, sizeof src, levels[k]) != Z_OK ||
        !(f = fopen(paths[k], "wb")) || fwrite(buf, 1, n, f) != n || fclose(f) != 0) {
      guest_case("streams", 0, "cannot write the streams");
      return 1;
    }
    free(buf);
    files[k] = paths[k];
  }
  int views = melf_mode() == MELF_MODE_VIEWS;
  struct worker w = {.variant = melf_variant_find("worker"), .files = files};
  pthread_t t;
  if (!views || w.variant < 0 || pthread_create(&t, NULL, work, &w) != 0) {
    guest_case("views-mode", 0, "not in views mode, or no variant 'worker'");
    return 1;
  }
  char *args[] = {"example", NULL};
  int failed = zlib_example_main(1, args) != 0;
  pthread_join(t, NULL);
  snprintf(why, sizeof why, "zlib's tests %s, worker switch/lock %d, streams %s",
           failed ? "failed" : "passed", w.switch_err, w.failed ? "failed" : "done");
  guest_case("tests-pass-while-the-worker-is-reduced-and-locked",
             !failed && !w.switch_err && !w.failed, why);
  /* A worker asked to compress: a thread in `worker`, locked, forks; the
   * child (its view and lock inherited) compresses and must stop with the
   * trap message. */
  struct forker fk = {.variant = w.variant, .file = files[0]};
  if (pthread_create(&t, NULL, fork_and_deflate, &fk) == 0)
    pthread_join(t, NULL);
  snprintf(why, sizeof why, "switch/lock %d, the child ended with status %#x and said: %.400s",
           fk.err, fk.status, fk.msg);
  guest_case("a-call-outside-the-allow-list-stops-the-worker",
             !fk.err && WIFSIGNALED(fk.status) && strstr(fk.msg, "not in its variant 'worker'"),
             why);
  return guest_cases_failed != 0;
}

static int usage(void) {
  fprintf(stderr, "usage: zlib-worker [-w VARIANT] inflate FILE...\n"
                  "       zlib-worker [-w VARIANT] test [FILE...]\n"
                  "       zlib-worker [-w VARIANT] deflate FILE\n");
  return 2;
}

int main(int argc, char **argv) {
  const char *name = "worker";
  int i = 1;
  if (argc == 1)
    return guest_self_test();
  if (i + 1 < argc && strcmp(argv[i], "-w") == 0) {
    name = argv[i + 1];
    i += 2;
  }
  if (i >= argc)
    return usage();
  const char *mode = argv[i++];
  struct worker w = {.files = argv + i};
  if (strcmp(mode, "deflate") == 0)
    w.deflate = 1;
  else if (strcmp(mode, "inflate") != 0 && strcmp(mode, "test") != 0)
    return usage();
  if (strcmp(mode, "test") != 0 && i >= argc)
    return usage();
  w.variant = melf_variant_find(name);
  if (w.variant < 0) {
    fprintf(stderr, "zlib-worker: no variant '%s' (%s)\n", name, melf_strerror(w.variant));
    return 2;
  }
  int views = melf_mode() == MELF_MODE_VIEWS, failed = 0;
  pthread_t t;
  /* With views the worker runs while zlib's tests run in the main thread;
   * without, the process switches for the worker, so it runs afterwards. */
  if (views && pthread_create(&t, NULL, work, &w) != 0)
    return 2;
  if (strcmp(mode, "test") == 0) {
    char *args[] = {"example", NULL};
    failed = zlib_example_main(1, args) != 0;
    printf("zlib's own tests (example.c) in the main thread, variant '%s': %s\n",
           melf_variant_name(melf_current_variant()), failed ? "FAILED" : "passed");
    fflush(stdout);
  }
  if (!views && pthread_create(&t, NULL, work, &w) != 0)
    return 2;
  pthread_join(t, NULL);
  if (w.switch_err) {
    fprintf(stderr, "zlib-worker: the worker cannot run variant '%s': %s\n", name,
            melf_strerror(w.switch_err));
    return 2;
  }
  if (*w.files)
    printf("worker (variant '%s', %s mode): %s\n", name, views ? "views" : "process",
           w.failed ? "a stream failed" : "every stream done");
  return failed | w.failed;
}
