/*
 * topology.c - heterogeneous cores: which CPUs can run which variant.
 *
 * Per-CPU ISA features come from <root>/proc/cpuinfo ("flags" on x86-64,
 * "Features" on AArch64), each intersected with the features of the CPU
 * libmelf started on (melf_rt.cpu), so that a variant is never run where
 * either says no. Core types come from <root>/sys/devices/cpu_core/cpus
 * and cpu_atom/cpus (x86 hybrid) or from each CPU's cpu_capacity (arm64:
 * the largest capacity is "big"). <root> is "/", or MELF_TOPOLOGY_ROOT for
 * tests (ignored in secure-execution mode, like every MELF_* variable).
 *
 * The table is read once, by the first call that needs it, into one
 * anonymous mapping (programs that never ask carry nothing); afterwards
 * nothing allocates. A thread's features are those every CPU in its
 * affinity mask has (docs/runtime.md, "Heterogeneous cores").
 */
#define _GNU_SOURCE
#include "state.h"
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define MAX_CPUS 1024

struct topology {
  int ncpus;             /* CPUs seen in cpuinfo (ids < MAX_CPUS)      */
  int uniform;           /* every CPU has the same features            */
  uint64_t feat[MAX_CPUS];
  unsigned char known[MAX_CPUS];
  unsigned char type[MAX_CPUS]; /* MELF_CORE_*                          */
};

static struct topology *topo;   /* NULL: not read yet                   */
/* Its own lock: start-up asks (MELF_VARIANT=auto) under the switch lock. */
static pthread_mutex_t topo_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic int topo_state;  /* 0 unread, 1 reading, 2 read, 3 none  */

/* ---- Names in /proc/cpuinfo ------------------------------------------------ */

#if defined(__x86_64__)
/* Linux's flag names where they differ from the LLVM names of abi.h. */
static const struct {
  const char *melf, *linux_name;
} x86_renames[] = {
    {"sahf", "lahf_lm"},         {"sse3", "pni"},
    {"sse4.1", "sse4_1"},        {"sse4.2", "sse4_2"},
    {"bmi", "bmi1"},             {"lzcnt", "abm"},
    {"pclmul", "pclmulqdq"},     {"sha", "sha_ni"},
    {"rdrnd", "rdrand"},         {"avx512vnni", "avx512_vnni"},
    {"avx512bf16", "avx512_bf16"}, {"avx512fp16", "avx512_fp16"},
    {"avxvnni", "avx_vnni"},
};

static uint64_t word_bits(const char *w, size_t n) {
  static const char *const names[] = MELF_X86_FEATURE_NAMES;
  for (unsigned b = 0; b < sizeof names / sizeof names[0]; b++) {
    const char *linux_name = names[b];
    for (unsigned r = 0; r < sizeof x86_renames / sizeof x86_renames[0]; r++)
      if (!strcmp(x86_renames[r].melf, names[b]))
        linux_name = x86_renames[r].linux_name;
    if (strlen(linux_name) == n && !memcmp(linux_name, w, n))
      return MELF_BIT(b);
  }
  return 0;
}
#define FEATURE_KEY "flags"
#elif defined(__aarch64__)
/* Linux's hwcap names, by bit of AT_HWCAP and AT_HWCAP2 (cpuinfo order). */
static const char *const hwcap_names[2][32] = {
    {"fp", "asimd", "evtstrm", "aes", "pmull", "sha1", "sha2", "crc32",
     "atomics", "fphp", "asimdhp", "cpuid", "asimdrdm", "jscvt", "fcma",
     "lrcpc", "dcpop", "sha3", "sm3", "sm4", "asimddp", "sha512", "sve",
     "asimdfhm", "dit", "uscat", "ilrcpc", "flagm", "ssbs", "sb", "paca",
     "pacg"},
    {"dcpodp", "sve2", "sveaes", "svepmull", "svebitperm", "svesha3",
     "svesm4", "flagm2", "frint", "svei8mm", "svef32mm", "svef64mm",
     "svebf16", "i8mm", "bf16", "dgh", "rng", "bti", "mte"},
};
static uint64_t hw[2]; /* the CPU being parsed */
static uint64_t word_bits(const char *w, size_t n) {
  for (int k = 0; k < 2; k++)
    for (int b = 0; b < 32; b++)
      if (hwcap_names[k][b] && strlen(hwcap_names[k][b]) == n &&
          !memcmp(hwcap_names[k][b], w, n))
        hw[k] |= 1ull << b;
  return 0;
}
#define FEATURE_KEY "Features"
#else
static uint64_t word_bits(const char *w, size_t n) {
  (void)w, (void)n;
  return 0;
}
#define FEATURE_KEY "flags"
#endif

/* ---- Reading ------------------------------------------------------------- */

static int open_at_root(const char *path) {
  const char *root = melf_env("MELF_TOPOLOGY_ROOT");
  char buf[512];
  melf_fmt(buf, sizeof buf, "%s%s", root && *root ? root : "", path);
  return open(buf, O_RDONLY | O_CLOEXEC);
}

/* One line into buf (NUL-terminated, cut at cap): its length, or -1 at
 * the end of the file. */
static int read_line(struct melf_reader *r, char *buf, int cap) {
  int n = 0, c;
  while ((c = melf_read_char(r)) >= 0 && c != '\n')
    if (n < cap - 1)
      buf[n++] = (char)c;
  buf[n] = 0;
  return c < 0 && n == 0 ? -1 : n;
}

static uint64_t line_features(const char *v) {
  uint64_t f = 0;
#if defined(__aarch64__)
  hw[0] = hw[1] = 0;
#endif
  while (*v) {
    while (*v == ' ' || *v == '\t')
      v++;
    const char *w = v;
    while (*v && *v != ' ' && *v != '\t')
      v++;
    if (v > w)
      f |= word_bits(w, (size_t)(v - w));
  }
#if defined(__aarch64__)
  f = melf_cpu_features_from_hwcap(hw[0], hw[1]);
#endif
  return f;
}

/* "processor : N" then the feature line of that CPU. */
static void read_cpuinfo(struct topology *t) {
  struct melf_reader r = {.fd = open_at_root("/proc/cpuinfo")};
  char line[4096];
  long cpu = -1;
  if (r.fd < 0)
    return;
  while (read_line(&r, line, sizeof line) >= 0) {
    char *colon = strchr(line, ':');
    if (!colon)
      continue;
    size_t klen = (size_t)(colon - line);
    while (klen && (line[klen - 1] == ' ' || line[klen - 1] == '\t'))
      klen--;
    const char *val = colon + 1;
    if (klen == 9 && !memcmp(line, "processor", 9)) {
      char *end;
      cpu = strtol(val, &end, 10);
      if (end == val || cpu < 0 || cpu >= MAX_CPUS)
        cpu = -1;
    } else if (cpu >= 0 && klen == strlen(FEATURE_KEY) &&
               !memcmp(line, FEATURE_KEY, klen)) {
      t->feat[cpu] = line_features(val) & melf_rt.cpu;
      t->known[cpu] = 1;
      if (cpu + 1 > t->ncpus)
        t->ncpus = (int)cpu + 1;
    }
  }
  close(r.fd);
}

/* A cpulist ("0-3,8") from a file: marks `type` on those CPUs. */
static void read_cpulist(struct topology *t, const char *path, int type) {
  int fd = open_at_root(path);
  char buf[1024];
  if (fd < 0)
    return;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0)
    return;
  buf[n] = 0;
  for (char *p = buf; *p;) {
    char *end;
    long a = strtol(p, &end, 10), b = a;
    if (end == p)
      break;
    p = end;
    if (*p == '-') {
      b = strtol(p + 1, &end, 10);
      p = end;
    }
    for (long c = a; c <= b && c >= 0 && c < MAX_CPUS; c++)
      t->type[c] = (unsigned char)type;
    while (*p == ',' || *p == '\n' || *p == ' ')
      p++;
  }
}

/* arm64: cpu_capacity of each CPU; the largest are big, the others little. */
static void read_capacities(struct topology *t) {
  long cap[64], max = 0;
  int n = t->ncpus < 64 ? t->ncpus : 64;
  for (int c = 0; c < n; c++) {
    char path[96], buf[32];
    melf_fmt(path, sizeof path, "/sys/devices/system/cpu/cpu%d/cpu_capacity", c);
    int fd = open_at_root(path);
    ssize_t k = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    if (fd >= 0)
      close(fd);
    cap[c] = k > 0 ? (buf[k] = 0, strtol(buf, 0, 10)) : 0;
    if (cap[c] > max)
      max = cap[c];
  }
  for (int c = 0; c < n && max; c++)
    if (cap[c] && !t->type[c])
      t->type[c] = cap[c] == max ? MELF_CORE_BIG : MELF_CORE_LITTLE;
}

static struct topology *load(void) {
  int s = atomic_load(&topo_state);
  if (s == 2)
    return topo;
  if (s == 3)
    return 0;
  pthread_mutex_lock(&topo_lock);
  if (atomic_load(&topo_state) == 0) {
    void *p = mmap(0, sizeof *topo, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      atomic_store(&topo_state, 3);
    } else {
      struct topology *t = p;
      read_cpuinfo(t);
      read_cpulist(t, "/sys/devices/cpu_core/cpus", MELF_CORE_BIG);
      read_cpulist(t, "/sys/devices/cpu_atom/cpus", MELF_CORE_LITTLE);
      read_capacities(t);
      t->uniform = 1;
      for (int c = 0; c < t->ncpus; c++)
        if (t->known[c] && t->feat[c] != t->feat[0])
          t->uniform = 0;
      topo = t;
      atomic_store(&topo_state, 2);
      DBG("topology: %d CPUs%s", t->ncpus, t->uniform ? ", all alike" : "");
    }
  }
  pthread_mutex_unlock(&topo_lock);
  return topo;
}

/* ---- Questions ------------------------------------------------------------ */

uint64_t melf_thread_features(void) {
  struct topology *t = load();
  cpu_set_t set;
  if (!t || !t->ncpus || sched_getaffinity(0, sizeof set, &set) != 0)
    return melf_rt.cpu;
  uint64_t f = melf_rt.cpu;
  for (int c = 0; c < t->ncpus; c++)
    if (CPU_ISSET(c, &set) && t->known[c])
      f &= t->feat[c];
  return f;
}

int melf_thread_may_run(int id) {
  if (id <= 0 || atomic_load(&topo_state) == 3)
    return 1;
  struct topology *t = load();
  if (!t || t->uniform)
    return 1;
  const struct melf_pvariant *v = &melf_rt.var[id];
  return v->arch == 0 || (v->isa & ~melf_thread_features()) == 0;
}

int melf_cpu_core_type(int cpu) {
  struct topology *t = load();
  if (cpu < 0 || cpu >= MAX_CPUS)
    return MELF_EINVAL;
  return t ? t->type[cpu] : MELF_CORE_UNKNOWN;
}

int melf_thread_auto(void) {
  int id = melf_best_variant();
  int rc = melf_switch_thread(id);
  return rc ? rc : id;
}

int melf_set_affinity(const void *cpuset, unsigned long size) {
  if (!cpuset)
    return MELF_EINVAL;
  if (sched_setaffinity(0, size, cpuset) != 0)
    return MELF_ESYS;
  return melf_thread_auto();
}

int melf_pin_to_variant(int id) {
  if (id < 0 || id >= melf_rt.nvariants)
    return MELF_EINVAL;
  struct topology *t = load();
  cpu_set_t set, pin;
  if (sched_getaffinity(0, sizeof set, &set) != 0)
    return MELF_ESYS;
  const struct melf_pvariant *v = &melf_rt.var[id];
  CPU_ZERO(&pin);
  int any = 0;
  for (int c = 0; c < CPU_SETSIZE; c++) {
    if (!CPU_ISSET(c, &set))
      continue;
    uint64_t f = t && c < t->ncpus && t->known[c] ? t->feat[c] : melf_rt.cpu;
    if (id == 0 || v->arch == 0 || (v->isa & ~f) == 0) {
      CPU_SET(c, &pin);
      any = 1;
    }
  }
  if (!any)
    return MELF_ENOTSUP;
  if (sched_setaffinity(0, sizeof pin, &pin) != 0)
    return MELF_ESYS;
  return melf_switch_thread(id);
}
