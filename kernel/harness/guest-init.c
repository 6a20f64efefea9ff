// /init of the arm64 guest (MELF_KERNEL_FLAVOUR=arm64), which has no
// busybox: Debian's busybox-static is for the host's architecture only. Does
// what the x86-64 guest's /init script (mkinitramfs.sh) does, with the same
// output: mounts the pseudo file systems, runs every program in /tests (each
// under a 120 s timeout) and then /bench, prints
//   MELF-GUEST-RESULTS-BEGIN / PASS name / FAIL name (exit N) / ...-END
// and ends the VM through semihosting (QEMU runs with -semihosting-config
// enable=on,userspace=on): QEMU exits 33 when every test passed, 35
// otherwise, the statuses of the x86-64 guest's isa-debug-exit device.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { TIMEOUT_S = 120, MAX_PROGS = 256 };

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

// The executables of DIR, sorted like the shell's glob; returns how many.
static int list(const char *dir, char **out) {
  DIR *d = opendir(dir);
  int n = 0;
  if (!d)
    return 0;
  for (struct dirent *e; (e = readdir(d)) && n < MAX_PROGS;) {
    char path[512];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (e->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
        (st.st_mode & 0111))
      out[n++] = strdup(path);
  }
  closedir(d);
  qsort(out, n, sizeof *out, by_name);
  return n;
}

// Runs PATH; its exit status as the shell reports it (128 + signal, 124
// after the timeout, like busybox's timeout).
static int run(const char *path) {
  pid_t pid = fork();
  if (pid == 0) {
    execl(path, path, (char *)NULL);
    perror(path);
    _exit(127);
  }
  if (pid < 0)
    return 126;
  struct timespec tick = {0, 50 * 1000 * 1000};
  for (int waited = 0;; waited++) {
    int status;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid)
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (r < 0)
      return 126;
    if (waited >= TIMEOUT_S * 20) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      printf("melf-guest: %s timed out after %d s\n", path, TIMEOUT_S);
      return 124;
    }
    nanosleep(&tick, NULL);
  }
}

// Semihosting SYS_EXIT (0x18) with ADP_Stopped_ApplicationExit: QEMU exits
// with STATUS. Returns only when QEMU has semihosting off (the hlt traps).
static void semihosting_exit(long status) {
  long block[2] = {0x20026, status};
  register long op __asm__("x0") = 0x18;
  register long arg __asm__("x1") = (long)block;
  __asm__ volatile("hlt #0xf000" : "+r"(op) : "r"(arg) : "memory");
}

int main(void) {
  static char *progs[MAX_PROGS];
  static char results[64 * 1024];
  size_t len = 0;
  int failed = 0;

  mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
  int fd = open("/dev/console", O_RDWR);
  if (fd >= 0) {
    dup2(fd, 0);
    dup2(fd, 1);
    dup2(fd, 2);
    if (fd > 2)
      close(fd);
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  mount("proc", "/proc", "proc", 0, NULL);
  mount("sysfs", "/sys", "sysfs", 0, NULL);
  mount("tmpfs", "/tmp", "tmpfs", 0, NULL);
  struct utsname u;
  uname(&u);
  printf("melf-guest: %s, %ld CPUs\n", u.release, sysconf(_SC_NPROCESSORS_ONLN));

  int n = list("/tests", progs);
  for (int i = 0; i < n; i++) {
    const char *name = strrchr(progs[i], '/') + 1;
    printf("=== %s\n", name);
    fflush(stdout);
    int rc = run(progs[i]);
    if (rc == 0) {
      len += snprintf(results + len, sizeof results - len, "\nPASS %s", name);
    } else {
      len += snprintf(results + len, sizeof results - len, "\nFAIL %s (exit %d)",
                      name, rc);
      failed++;
    }
    if (len >= sizeof results)
      len = sizeof results - 1;
  }
  n = list("/bench", progs);
  for (int i = 0; i < n; i++) {
    printf("=== bench %s\n", strrchr(progs[i], '/') + 1);
    fflush(stdout);
    run(progs[i]);
  }
  printf("MELF-GUEST-RESULTS-BEGIN%s\n", results);
  printf("MELF-GUEST-RESULTS-END\n");
  fflush(stdout);
  sync();
  semihosting_exit(failed ? 35 : 33);
  // No semihosting: power off (PSCI); the host then sees status 0 and
  // reports the run as broken, as on x86-64 without isa-debug-exit.
  reboot(RB_POWER_OFF);
  return 1;
}
