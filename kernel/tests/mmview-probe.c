// uprobes (what USDT probes, bpftrace and `perf probe` use) on code that
// threads in views run: a probe on a function of this program, set through
// tracefs's uprobe_events, fires for a thread in a view as for any other
// thread, and the thread goes on (no SIGTRAP). A static guest test: prints
// "CASE PASS mmview-probe/<name>" or "CASE FAIL mmview-probe/<name>: <why>".
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define TEST_PREFIX "mmview-probe"
#include "mmview-test.h"

static const char tracing[] = "/sys/kernel/tracing";

__attribute__((noinline, used)) int probed(int x) {
  __asm__ volatile("" ::: "memory");
  return x * 3 + 1;
}

static int write_at(const char *file, const char *s, int flags) {
  char path[256];
  snprintf(path, sizeof path, "%s/%s", tracing, file);
  int fd = open(path, O_WRONLY | flags);
  if (fd < 0)
    return -1;
  int ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
  close(fd);
  return ok ? 0 : -1;
}

// Hits of the event in the trace buffer.
static int hits(void) {
  char path[256], line[512];
  snprintf(path, sizeof path, "%s/trace", tracing);
  FILE *f = fopen(path, "r");
  int n = 0;
  while (f && fgets(line, sizeof line, f))
    if (line[0] != '#' && strstr(line, " probed: ("))
      n++;
  if (f)
    fclose(f);
  return n;
}

// The executable's path and the file offset of probed(), from the mapping
// that holds it.
static int probe_target(char *exe, size_t len, unsigned long *off) {
  FILE *f = fopen("/proc/self/maps", "r");
  char line[512], path[256];
  unsigned long lo, hi, foff, a = (unsigned long)probed;
  int found = 0;
  while (f && fgets(line, sizeof line, f)) {
    path[0] = 0;
    if (sscanf(line, "%lx-%lx %*s %lx %*s %*s %255s", &lo, &hi, &foff, path) >= 3 &&
        a >= lo && a < hi && path[0] == '/') {
      snprintf(exe, len, "%s", path);
      *off = a - lo + foff;
      found = 1;
      break;
    }
  }
  if (f)
    fclose(f);
  return found;
}

static int t_uprobe_in_view(void) {
  char exe[256], ev[400];
  unsigned long off;
  mkdir(tracing, 0755);
  if (mount("nodev", tracing, "tracefs", 0, NULL) != 0 && errno != EBUSY)
    CHECK(0, "mount tracefs: %s", strerror(errno));
  CHECK(probe_target(exe, sizeof exe, &off), "probed() not found in /proc/self/maps");
  snprintf(ev, sizeof ev, "p:mmview_probe/probed %s:0x%lx\n", exe, off);
  CHECK(write_at("uprobe_events", ev, O_APPEND) == 0, "uprobe_events '%.180s': %s", ev,
        strerror(errno));
  CHECK(write_at("trace", "", O_TRUNC) == 0, "clearing the trace");
  CHECK(write_at("events/mmview_probe/probed/enable", "1", 0) == 0, "enable: %s",
        strerror(errno));
  int sum = 0;
  for (int i = 0; i < 5; i++)
    sum += probed(i);  // the base view
  long v = create();
  CHECK(v > 0 && migrate(v) == 0, "into a view");
  for (int i = 0; i < 5; i++)
    sum += probed(i);  // a view: a SIGTRAP here ended the process before
  CHECK(migrate(0) > 0, "MIGRATE 0");
  write_at("events/mmview_probe/probed/enable", "0", 0);
  int n = hits();
  write_at("uprobe_events", "-:mmview_probe/probed\n", O_APPEND);
  CHECK(sum == 2 * (3 * 10 + 5), "probed() returned wrong values: %d", sum);
  CHECK(n == 10, "the probe fired %d times for 5 calls in the base view and 5 in a view", n);
  return 1;
}

int main(void) {
  MMVIEW_START();
  run("uprobe-fires-in-a-view", t_uprobe_in_view);
  return failures != 0;
}
