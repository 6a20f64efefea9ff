/*
 * switch.c - cost of a process-wide variant switch for one MELF area size
 * (AREA bytes, set at compile time: a multivariant function of that size),
 * next to one mmap(MAP_FIXED) of the same size from the same file, which is
 * the floor. Prints one line per run:
 *   area <bytes>: switch <us>, mmap <us>, ratio <switch/mmap>
 * Built for 4 KiB .. 4 MiB by the `bench` target (bench/CMakeLists.txt).
 */
#include <fcntl.h>
#include <melf.h>
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#ifndef AREA
#define AREA 4096
#endif
#define STR2(x) #x
#define STR(x) STR2(x)

/* A body of AREA - 64 bytes: the area is AREA rounded up to pages. */
__attribute__((variant("debug"))) void big(void) {
  __asm__ volatile("jmp 1f\n .skip " STR(AREA) " - 64, 0x90\n1:");
}

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(void) {
  const int reps = 200;
  int dbg = melf_variant_find("debug");
  if (dbg < 0 || melf_switch_process(dbg) != 0) {
    fprintf(stderr, "bench: cannot switch (%s)\n", melf_strerror(dbg < 0 ? dbg : melf_switch_process(dbg)));
    return 1;
  }
  double t0 = now_us();
  for (int i = 0; i < reps; i++) {
    melf_switch_process(i & 1 ? dbg : 0);
    big(); /* touch the new code */
  }
  double sw = (now_us() - t0) / reps;
  /* The floor: one mmap(MAP_FIXED) of the same size from the executable. */
  size_t len = (AREA + 4095) & ~(size_t)4095;
  int fd = open("/proc/self/exe", O_RDONLY);
  void *at = mmap(0, len, PROT_READ, MAP_PRIVATE, fd, 0);
  t0 = now_us();
  for (int i = 0; i < reps; i++) {
    mmap(at, len, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_FIXED, fd, 0);
    (void)*(volatile char *)at;
  }
  double mm = (now_us() - t0) / reps;
  printf("area %zu: switch %.1f us, mmap %.1f us, ratio %.2f\n", len, sw, mm,
         sw / mm);
  return 0;
}
