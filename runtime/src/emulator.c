/*
 * emulator.c - threads of a user-mode emulator (qemu-user) in the process.
 *
 * Under qemu-user (an AArch64 program on an x86-64 host) /proc/self/task
 * also lists the emulator's own host threads (qemu's RCU thread), which
 * never run guest code and never take a guest signal: a process-wide switch
 * waiting for them to reach a safe point would always fail. qemu-user
 * emulates /proc/self/exe (the guest program) but not
 * /proc/self/task/<tid>/exe (the emulator), which tells the two apart; and
 * its helper threads block every real-time signal on the host, where guest
 * threads block none (qemu keeps the guest's signal mask itself). On a
 * native kernel nothing is skipped.
 *
 * No allocation and no stdio (see procfs.c).
 */
#define _GNU_SOURCE
#include "state.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>

/* 1 under an emulator, 0 native, -1 unknown yet. */
static int emulated = -1;

static int read_link(const char *path, char *buf, size_t cap) {
  ssize_t n = readlink(path, buf, cap - 1);
  if (n < 0)
    return -1;
  buf[n] = 0;
  return 0;
}

static int under_emulator(void) {
  if (emulated >= 0)
    return emulated;
  char self[512], task[512], path[64];
  size_t n = melf_fmt_str(path, sizeof path, 0, "/proc/self/task/");
  n = melf_fmt_num(path, sizeof path, n, (uint64_t)melf_gettid(), 0);
  melf_fmt_str(path, sizeof path, n, "/exe");
  emulated = read_link("/proc/self/exe", self, sizeof self) == 0 &&
             read_link(path, task, sizeof task) == 0 && strcmp(self, task) != 0;
  return emulated;
}

/* Does the host signal mask of thread `tid` block every real-time signal
 * (signals 34..64: bits 33..63 of SigBlk)? */
static int blocks_rt_signals(pid_t tid) {
  char path[64];
  size_t n = melf_fmt_str(path, sizeof path, 0, "/proc/self/task/");
  n = melf_fmt_num(path, sizeof path, n, (uint64_t)tid, 0);
  melf_fmt_str(path, sizeof path, n, "/status");
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  char buf[2048];
  ssize_t got;
  do
    got = read(fd, buf, sizeof buf - 1);
  while (got < 0 && errno == EINTR);
  close(fd);
  if (got <= 0)
    return 0;
  buf[got] = 0;
  const char *p = strstr(buf, "\nSigBlk:");
  if (!p)
    return 0;
  p += 8;
  while (*p == ' ' || *p == '\t')
    p++;
  uint64_t mask = 0;
  for (;; p++) {
    int d = *p >= '0' && *p <= '9' ? *p - '0' : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10 : -1;
    if (d < 0)
      break;
    mask = mask << 4 | (uint64_t)d;
  }
  return (mask >> 33) == (UINT64_C(1) << 31) - 1;
}

int melf_emulator_thread(pid_t tid) {
  return under_emulator() == 1 && blocks_rt_signals(tid);
}
