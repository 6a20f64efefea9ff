// Reclaim and block I/O of memory that threads in views use: pages a view
// touched are swapped out (to zram) and back in with their data, O_DIRECT
// reads and writes a block device from a view's buffers, and a page read
// only through a view's mirror is not idle to reclaim's aging (idle page
// tracking). A static guest test: prints "CASE PASS mmview-reclaim/<name>"
// or "CASE FAIL mmview-reclaim/<name>: <why>".
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <unistd.h>

#define TEST_PREFIX "mmview-reclaim"
#include "mmview-test.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

// Sets up zram device @dev with @mb MiB: 0, or -1.
static int zram_setup(int dev, int mb) {
  char path[64], size[32];
  snprintf(path, sizeof path, "/sys/block/zram%d/disksize", dev);
  snprintf(size, sizeof size, "%dM", mb);
  return write_file(path, size);
}

static void zram_reset(int dev) {
  char path[64];
  snprintf(path, sizeof path, "/sys/block/zram%d/reset", dev);
  write_file(path, "1");
}

// mkswap: the version-1 swap header on the first page of @path, @pages long.
static int make_swap(const char *path, long pages) {
  char *hdr = calloc(1, page);
  int fd = open(path, O_WRONLY);
  if (!hdr || fd < 0)
    return -1;
  uint32_t *info = (uint32_t *)(hdr + 1024);
  info[0] = 1;               // version
  info[1] = pages - 1;       // last_page
  memcpy(hdr + page - 10, "SWAPSPACE2", 10);
  int ok = write(fd, hdr, page) == page && fsync(fd) == 0;
  close(fd);
  free(hdr);
  return ok ? 0 : -1;
}

// ---- Swap ----

enum { SWAP_PAGES = 512 };
static char *swap_buf;

// In a view: fill, page out (routed to the master), read back (swap-in
// through the mirror), write again. The leader stays in the base view, so
// /proc/self/status's VmSwap is the master's.
static void *swap_worker(void *arg) {
  (void)arg;
  static char msg[128];
  if (!into_view())
    return "CREATE/MIGRATE failed";
  for (long i = 0; i < SWAP_PAGES; i++)
    memset(swap_buf + i * page, (int)(i & 0x7f) + 1, page);
  long swap0 = field_kb("/proc/self/status", "VmSwap");
  if (madvise(swap_buf, SWAP_PAGES * page, MADV_PAGEOUT) != 0)
    return "MADV_PAGEOUT from the view failed";
  long out = (field_kb("/proc/self/status", "VmSwap") - swap0) * 1024 / page;
  if (out < SWAP_PAGES / 2) {
    snprintf(msg, sizeof msg, "only %ld of %d pages a view wrote swapped out by its MADV_PAGEOUT",
             out, SWAP_PAGES);
    return msg;
  }
  for (long i = 0; i < SWAP_PAGES; i++)
    for (long j = 0; j < page; j += 512)
      if (swap_buf[i * page + j] != (char)((i & 0x7f) + 1))
        return "a page read back in the view after swap-out lost its data";
  long in = (swap0 + out * page / 1024 - field_kb("/proc/self/status", "VmSwap")) * 1024 / page;
  if (in < out / 2) {
    snprintf(msg, sizeof msg, "the view's reads swapped in %ld of %ld pages", in, out);
    return msg;
  }
  for (long i = 0; i < SWAP_PAGES; i++)
    swap_buf[i * page] = (char)0xA5;
  return NULL;
}

static int t_swap_out_and_in(void) {
  CHECK(zram_setup(0, 16) == 0, "zram0 disksize: %s", strerror(errno));
  CHECK(make_swap("/dev/zram0", (16 << 20) / page) == 0, "mkswap on /dev/zram0: %s",
        strerror(errno));
  CHECK(swapon("/dev/zram0", 0) == 0, "swapon /dev/zram0: %s", strerror(errno));
  swap_buf = map_anon(SWAP_PAGES * page);
  // Small pages: MADV_PAGEOUT of a huge page is another path.
  if (swap_buf)
    madvise(swap_buf, SWAP_PAGES * page, MADV_NOHUGEPAGE);
  pthread_t t;
  void *err = "pthread_create";
  int ok = swap_buf && pthread_create(&t, NULL, swap_worker, NULL) == 0 &&
           pthread_join(t, &err) == 0 && err == NULL;
  int seen = 1;
  for (long i = 0; ok && i < SWAP_PAGES; i++)
    seen &= swap_buf[i * page] == (char)0xA5 && swap_buf[i * page + 1] == (char)((i & 0x7f) + 1);
  swapoff("/dev/zram0");
  zram_reset(0);
  CHECK(ok, "%s", (char *)err);
  CHECK(seen, "the base view does not see the data the view wrote after swap-in");
  return 1;
}

// ---- O_DIRECT ----

enum { DIO_LEN = 64 << 10 };
static const char *dio_dev;

// O_DIRECT write then read of @dev from buffers at @out and @in.
static const char *dio_round_trip(char *out, char *in, int seed) {
  int fd = open(dio_dev, O_RDWR | O_DIRECT);
  if (fd < 0)
    return "open O_DIRECT";
  for (int i = 0; i < DIO_LEN; i++)
    out[i] = (char)(i * 7 + seed);
  memset(in, 0, DIO_LEN);
  const char *err = NULL;
  if (pwrite(fd, out, DIO_LEN, 0) != DIO_LEN)
    err = "pwrite O_DIRECT";
  else if (pread(fd, in, DIO_LEN, 0) != DIO_LEN)
    err = "pread O_DIRECT";
  else if (memcmp(in, out, DIO_LEN) != 0)
    err = "O_DIRECT read back other data";
  close(fd);
  return err;
}

static char *dio_shared, *dio_own;

static void *dio_worker(void *arg) {
  (void)arg;
  if (!into_view())
    return "CREATE/MIGRATE failed";
  const char *err = dio_round_trip(dio_shared, dio_shared + DIO_LEN, 1);
  if (err)
    return (void *)err;
  // Buffers inside an unshared range: the view's own pages.
  return (void *)dio_round_trip(dio_own, dio_own + DIO_LEN, 2);
}

static int t_odirect_from_a_view(void) {
  long id = read_long("/sys/class/zram-control/hot_add");
  CHECK(id > 0, "zram hot_add: %s", strerror(errno));
  char dev[32];
  snprintf(dev, sizeof dev, "/dev/zram%ld", id);
  dio_dev = dev;
  CHECK(zram_setup((int)id, 1) == 0, "zram%ld disksize: %s", id, strerror(errno));
  dio_shared = map_anon(2 * DIO_LEN);
  dio_own = map_anon(2 * DIO_LEN);
  CHECK(dio_shared && dio_own, "mmap");
  CHECK(mmview(MMVIEW_UNSHARE, (unsigned long)dio_own, 2 * DIO_LEN) == 0, "UNSHARE: %s",
        strerror(errno));
  pthread_t t;
  void *err = "pthread_create";
  int ok = pthread_create(&t, NULL, dio_worker, NULL) == 0 && pthread_join(t, &err) == 0 &&
           err == NULL;
  // The base view: the shared buffer holds what the view read.
  int shared_seen = ok && dio_shared[DIO_LEN + 3] == (char)(3 * 7 + 1);
  CHECK(ok, "%s: %s", (char *)err, strerror(errno));
  CHECK(shared_seen, "the base view does not see the view's O_DIRECT read");
  const char *e = dio_round_trip(dio_shared, dio_shared + DIO_LEN, 3);
  CHECK(!e, "from the base view: %s", e);
  return 1;
}

// ---- Accessed bits: idle page tracking ----

enum { IDLE_PAGES = 64 };
static char *idle_buf;
static volatile int idle_step, idle_done;
static volatile long idle_sum;

// A thread in a view that reads the buffer when told to.
static void *idle_reader(void *arg) {
  (void)arg;
  if (!into_view())
    return "CREATE/MIGRATE failed";
  for (int step = 1; step <= 2; step++) {
    while (idle_step < step)
      usleep(1000);
    for (long i = 0; i < IDLE_PAGES; i++)
      idle_sum += idle_buf[i * page];
    idle_done = step;
  }
  return NULL;
}

static uint64_t pfn_of(int pagemap, void *p) {
  uint64_t e = 0;
  if (pread(pagemap, &e, 8, (uintptr_t)p / page * 8) != 8 || !(e >> 63))
    return 0;
  return e & ((1ULL << 55) - 1);
}

// Idle bits of @pfns: mark them idle (@set) or read which still are.
static int idle_bits(const uint64_t *pfns, int set, int *idle) {
  int fd = open("/sys/kernel/mm/page_idle/bitmap", O_RDWR);
  if (fd < 0)
    return -1;
  int n = 0;
  for (int i = 0; i < IDLE_PAGES; i++) {
    uint64_t word = 0, bit = 1ULL << (pfns[i] % 64);
    off_t off = pfns[i] / 64 * 8;
    if (set) {
      word = bit;
      if (pwrite(fd, &word, 8, off) != 8)
        n = -1;
    } else if (pread(fd, &word, 8, off) != 8) {
      n = -1;
    } else {
      idle[i] = (word & bit) != 0;
      n += idle[i];
    }
    if (n < 0)
      break;
  }
  close(fd);
  return n;
}

static int t_idle_tracking_sees_view_accesses(void) {
  idle_buf = map_anon(IDLE_PAGES * page);
  CHECK(idle_buf, "mmap");
  memset(idle_buf, 1, IDLE_PAGES * page); // on the LRU through the master
  pthread_t t;
  CHECK(pthread_create(&t, NULL, idle_reader, NULL) == 0, "pthread_create");
  idle_step = 1; // the view maps every page (mirror PTEs)
  while (idle_done < 1)
    usleep(1000);
  int pagemap = open("/proc/self/pagemap", O_RDONLY);
  uint64_t pfns[IDLE_PAGES];
  for (int i = 0; i < IDLE_PAGES; i++)
    pfns[i] = pfn_of(pagemap, idle_buf + i * page);
  close(pagemap);
  for (int i = 0; i < IDLE_PAGES; i++)
    CHECK(pfns[i], "no PFN for page %d in /proc/self/pagemap", i);
  int before[IDLE_PAGES], after[IDLE_PAGES];
  CHECK(idle_bits(pfns, 1, NULL) == 0, "marking pages idle: %s", strerror(errno));
  int idle = idle_bits(pfns, 0, before);
  // Control: nothing touched the pages since, so (LRU) pages stay idle.
  CHECK(idle >= IDLE_PAGES / 2, "only %d of %d pages idle right after marking", idle, IDLE_PAGES);
  idle_step = 2; // the view reads every page again, through its mirrors only
  while (idle_done < 2)
    usleep(1000);
  void *err;
  pthread_join(t, &err);
  CHECK(err == NULL, "%s", (char *)err);
  CHECK(idle_bits(pfns, 0, after) >= 0, "reading the idle bitmap: %s", strerror(errno));
  int still = 0;
  for (int i = 0; i < IDLE_PAGES; i++)
    still += before[i] && after[i];
  CHECK(still == 0, "%d of %d pages read from a view are still idle (accessed bits of mirrors lost)",
        still, idle);
  return 1;
}

int main(void) {
  MMVIEW_START();
  run("swap-out-and-in-of-pages-a-view-touched", t_swap_out_and_in);
  run("odirect-from-a-view-s-shared-and-own-buffers", t_odirect_from_a_view);
  run("idle-tracking-sees-accesses-through-a-view", t_idle_tracking_sees_view_accesses);
  return failures != 0;
}
