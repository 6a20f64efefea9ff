/*
 * startup.c - start-up time of programs: startup PROG... runs each program
 * N times (fork + exec + wait) and prints the mean and the ratio to the
 * first one (the plain binary).
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static double run(const char *prog, int n) {
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (int i = 0; i < n; i++) {
    pid_t pid;
    char *argv[] = {(char *)prog, 0};
    if (posix_spawn(&pid, prog, 0, 0, argv, environ) != 0) {
      perror(prog);
      exit(1);
    }
    waitpid(pid, 0, 0);
  }
  clock_gettime(CLOCK_MONOTONIC, &b);
  return ((b.tv_sec - a.tv_sec) * 1e6 + (b.tv_nsec - a.tv_nsec) / 1e3) / n;
}

int main(int argc, char **argv) {
  int n = 300;
  double base = 0;
  for (int i = 1; i < argc; i++) {
    double t = run(argv[i], n);
    if (i == 1)
      base = t;
    printf("%-40s %8.1f us  ratio %.2f\n", argv[i], t, t / base);
  }
  return 0;
}
