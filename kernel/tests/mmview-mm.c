// The kernel's own memory machinery keeps working while threads are in
// views: transparent huge pages collapsed and split under a view's
// mirrors, compaction and KSM merging of memory a view uses, and the data
// every view sees stays the process's. A static guest test: prints
// "CASE PASS mmview-mm/<name>" or "CASE FAIL mmview-mm/<name>: <why>".
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define TEST_PREFIX "mmview-mm"
#include "mmview-test.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

// AnonHugePages (kB) of the mapping holding @p, from /proc/self/smaps.
static long anon_huge_kb(void *p) {
  FILE *f = fopen("/proc/self/smaps", "r");
  char line[256];
  unsigned long a = (unsigned long)p, lo, hi;
  int in = 0;
  long kb = -1;
  while (f && fgets(line, sizeof line, f)) {
    if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' '))
      in = a >= lo && a < hi;
    else if (in && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
      break;
  }
  if (f)
    fclose(f);
  return kb;
}

// A 2 MiB-aligned anonymous region of @len bytes.
static char *map_aligned(size_t len) {
  size_t huge = 2 << 20;
  char *p = mmap(NULL, len + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return NULL;
  return (char *)(((uintptr_t)p + huge - 1) & ~(uintptr_t)(huge - 1));
}

// Checks that every page of [p, p + len) holds the byte its index gives.
static int pattern_ok(const char *p, size_t len, int salt, size_t *bad) {
  for (size_t i = 0; i < len; i += page)
    if (p[i] != (char)((i / page + salt) & 0x7f)) {
      *bad = i;
      return 0;
    }
  return 1;
}

static void fill(char *p, size_t len, int salt) {
  for (size_t i = 0; i < len; i += page)
    p[i] = (char)((i / page + salt) & 0x7f);
}

// A region a view reads becomes a huge page (MADV_COLLAPSE in the base
// view), is split again (mprotect of one page), and is written from the
// view: both views see the same data at each step.
static int t_thp_collapse_and_split(void) {
  size_t len = 4 << 20;
  size_t bad = 0;
  char *p = map_aligned(len);
  CHECK(p, "mmap");
  CHECK(madvise(p, len, MADV_HUGEPAGE) == 0, "MADV_HUGEPAGE: %s", strerror(errno));
  fill(p, len, 1);
  long v = create();
  CHECK(v > 0, "CREATE");
  CHECK(migrate(v) == 0, "MIGRATE");
  CHECK(pattern_ok(p, len, 1, &bad), "the view reads wrong data at %zu", bad);
  CHECK(migrate(0) > 0, "MIGRATE 0");
  if (madvise(p, len, MADV_COLLAPSE) != 0 && errno != EINVAL)
    CHECK(0, "MADV_COLLAPSE: %s", strerror(errno));
  long huge = anon_huge_kb(p);
  CHECK(huge >= 2048, "no huge page after MADV_COLLAPSE (AnonHugePages %ld kB)", huge);
  CHECK(migrate(v) == 0, "MIGRATE");
  CHECK(pattern_ok(p, len, 1, &bad), "the view reads wrong data at %zu after the collapse", bad);
  fill(p, len, 2);  // writes through the mirror of a huge page
  CHECK(migrate(0) > 0, "MIGRATE 0");
  CHECK(pattern_ok(p, len, 2, &bad), "the base view misses the view's writes at %zu", bad);
  // Split: one page read-only in the middle of the first huge page.
  CHECK(mprotect(p + 5 * page, page, PROT_READ) == 0, "mprotect");
  fill(p + 6 * page, len - 6 * page, 3);
  CHECK(migrate(v) == 0, "MIGRATE");
  CHECK(pattern_ok(p + 6 * page, len - 6 * page, 3, &bad),
        "the view reads wrong data at %zu after the split", bad + 6 * page);
  CHECK(p[5 * page] == (char)((5 + 2) & 0x7f), "the read-only page changed");
  return 1;
}

// Compaction moves pages a view maps: the view's mirrors follow.
static int t_compaction(void) {
  size_t len = 8 << 20, bad = 0;
  char *p = map_anon(len);
  CHECK(p, "mmap");
  fill(p, len, 5);
  CHECK(into_view(), "into a view");
  CHECK(pattern_ok(p, len, 5, &bad), "the view reads wrong data at %zu", bad);
  for (int round = 0; round < 3; round++) {
    CHECK(write_file("/proc/sys/vm/compact_memory", "1") == 0, "compact_memory: %s",
          strerror(errno));
    CHECK(pattern_ok(p, len, 5 + round, &bad), "round %d: wrong data at %zu after compaction",
          round, bad);
    fill(p, len, 6 + round);
  }
  CHECK(migrate(0) > 0, "MIGRATE 0");
  CHECK(pattern_ok(p, len, 8, &bad), "the base view reads wrong data at %zu", bad);
  return 1;
}

// KSM merges identical pages of the process; a write from a view breaks
// the sharing for that page only.
static int t_ksm(void) {
  size_t n = 64, len = n * page;
  char *p = map_anon(len);
  CHECK(p, "mmap");
  memset(p, 'k', len);
  CHECK(madvise(p, len, MADV_MERGEABLE) == 0, "MADV_MERGEABLE: %s", strerror(errno));
  CHECK(write_file("/sys/kernel/mm/ksm/pages_to_scan", "10000") == 0 &&
            write_file("/sys/kernel/mm/ksm/sleep_millisecs", "10") == 0 &&
            write_file("/sys/kernel/mm/ksm/run", "1") == 0,
        "starting ksmd: %s", strerror(errno));
  CHECK(into_view(), "into a view");
  CHECK(p[0] == 'k' && p[len - 1] == 'k', "the view reads wrong data");
  long sharing = 0;
  for (int i = 0; i < 300 && sharing < (long)n / 2; i++) {
    usleep(10000);
    sharing = read_long("/sys/kernel/mm/ksm/pages_sharing");
  }
  CHECK(sharing >= (long)n / 2, "ksmd merged %ld pages", sharing);
  for (size_t i = 0; i < len; i += page)
    CHECK(p[i] == 'k', "the view reads %d from a merged page", p[i]);
  p[3 * page] = 'w';
  CHECK(migrate(0) > 0, "MIGRATE 0");
  CHECK(p[3 * page] == 'w' && p[2 * page] == 'k' && p[4 * page] == 'k',
        "after a write from a view to a merged page: %c %c %c", p[2 * page], p[3 * page],
        p[4 * page]);
  write_file("/sys/kernel/mm/ksm/run", "2");  // unmerge everything, stop
  return 1;
}

int main(void) {
  MMVIEW_START();
  run("thp-collapse-and-split-under-a-view", t_thp_collapse_and_split);
  run("compaction-moves-pages-a-view-maps", t_compaction);
  run("ksm-merges-and-a-view-write-unshares", t_ksm);
  return failures != 0;
}
