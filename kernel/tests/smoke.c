// Guest smoke test: the harness booted the kernel we built (Linux 6.1),
// /proc is mounted and /proc/self/maps lists this process's mappings (the
// mmview tests read it to see each view's layout).
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

static int failures;
#define CHECK(cond, ...)                                                       \
  do {                                                                         \
    if (cond) {                                                                \
      printf("ok: " __VA_ARGS__);                                              \
    } else {                                                                   \
      printf("FAILED: " __VA_ARGS__);                                          \
      failures++;                                                              \
    }                                                                          \
    printf("\n");                                                              \
  } while (0)

int main(void) {
  struct utsname u;
  CHECK(uname(&u) == 0 && strncmp(u.release, "6.1.", 4) == 0,
        "uname -r is 6.1.x (%s)", u.release);
#if defined(__aarch64__)
  const char *machine = "aarch64"; /* the arm64 guest (check-kernel-full) */
#else
  const char *machine = "x86_64";
#endif
  CHECK(strcmp(u.machine, machine) == 0, "machine is %s (%s)", machine, u.machine);

  FILE *f = fopen("/proc/self/maps", "r");
  CHECK(f != NULL, "/proc/self/maps opens");
  int lines = 0, stack = 0, text = 0;
  char buf[512];
  while (f && fgets(buf, sizeof buf, f)) {
    lines++;
    if (strstr(buf, "[stack]"))
      stack = 1;
    if (strstr(buf, "r-xp") && strstr(buf, "/tests/"))
      text = 1;
  }
  if (f)
    fclose(f);
  CHECK(lines >= 3, "/proc/self/maps has %d lines", lines);
  CHECK(stack, "/proc/self/maps shows [stack]");
  CHECK(text, "/proc/self/maps shows this program's text");
  return failures != 0;
}
