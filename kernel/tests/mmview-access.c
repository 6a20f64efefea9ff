// Access to a view's memory from outside its page tables: the kernel's
// get_user_pages users and remote accesses of another process (ptrace,
// /proc, process_vm_readv, vmsplice) see a thread's memory as it does,
// shared memory through the master and unshared ranges through the view.
// A static guest test: prints "CASE PASS mmview-access/<name>" or
// "CASE FAIL mmview-access/<name>: <why>".
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define TEST_PREFIX "mmview-access"
#include "mmview-test.h"


static const char *self_name;

// /proc/self/cmdline while the leader (this thread) is in a view: the
// arguments live on the stack, which is shared memory.
static int t_cmdline(void) {
  long v = create();
  CHECK(v > 0 && migrate(v) == 0, "CREATE/MIGRATE: %s", strerror(errno));
  char buf[256] = {0};
  int fd = open("/proc/self/cmdline", O_RDONLY);
  CHECK(fd >= 0, "open: %s", strerror(errno));
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  CHECK(n > 0 && strcmp(buf, self_name) == 0, "cmdline read %zd bytes: '%s'", n, buf);
  return 1;
}

// vmsplice of a heap buffer from a thread in a view (get_user_pages of
// shared memory).
static int t_vmsplice(void) {
  char *heap = malloc(8192);
  CHECK(heap, "malloc");
  memset(heap, 'h', 8192);
  int p[2];
  CHECK(pipe(p) == 0, "pipe");
  long v = create();
  CHECK(v > 0 && migrate(v) == 0, "CREATE/MIGRATE: %s", strerror(errno));
  struct iovec iov = {heap, 4096};
  ssize_t n = vmsplice(p[1], &iov, 1, 0);
  CHECK(n == 4096, "vmsplice = %zd (%s)", n, strerror(errno));
  char got[4096];
  CHECK(read(p[0], got, sizeof got) == 4096 && got[0] == 'h' && got[4095] == 'h',
        "the pipe holds other bytes");
  return 1;
}

// Another process reads and writes the memory of a child whose only
// thread is in a view: process_vm_readv/writev, PTRACE_PEEKDATA/POKEDATA
// and /proc/PID/mem, shared memory and an unshared page (the view's copy).
static volatile long shared_word = 0x5a5a;
static int t_remote_access(void) {
  char *u = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(u != MAP_FAILED, "mmap");
  strcpy(u, "base");
  CHECK(mmview(MMVIEW_UNSHARE, (unsigned long)u, 4096) == 0, "UNSHARE");
  int ready[2];
  CHECK(pipe(ready) == 0, "pipe");
  pid_t child = fork();
  if (child == 0) {
    ptrace(PTRACE_TRACEME, 0, 0, 0);
    long v = create();
    if (v <= 0 || migrate(v) != 0)
      _exit(3);
    strcpy(u, "view");
    shared_word = 0x1234;
    (void)!write(ready[1], "r", 1);
    raise(SIGSTOP);
    _exit(shared_word == 0x4321 && strcmp(u, "poke") == 0 ? 0 : 4);
  }
  char c;
  CHECK(read(ready[0], &c, 1) == 1, "child did not start");
  int st;
  CHECK(waitpid(child, &st, 0) == child && WIFSTOPPED(st), "child did not stop");
  long w = 0;
  struct iovec local = {&w, sizeof w}, remote = {(void *)&shared_word, sizeof w};
  ssize_t n = process_vm_readv(child, &local, 1, &remote, 1, 0);
  if (n != sizeof w || w != 0x1234) {
    kill(child, SIGKILL);
    CHECK(0, "process_vm_readv = %zd (%s), value %lx", n, strerror(errno), w);
  }
  errno = 0;
  long peek = ptrace(PTRACE_PEEKDATA, child, (void *)&shared_word, 0);
  if (errno || peek != 0x1234) {
    kill(child, SIGKILL);
    CHECK(0, "PTRACE_PEEKDATA of shared memory: %lx (%s)", peek, strerror(errno));
  }
  errno = 0;
  long view_peek = ptrace(PTRACE_PEEKDATA, child, u, 0);
  if (errno || memcmp(&view_peek, "view", 4) != 0) {
    kill(child, SIGKILL);
    CHECK(0, "PTRACE_PEEKDATA of the view's unshared page: '%.4s' (%s)",
          (char *)&view_peek, strerror(errno));
  }
  char path[64], mem[8] = {0};
  snprintf(path, sizeof path, "/proc/%d/mem", child);
  int fd = open(path, O_RDWR);
  if (fd < 0 || pread(fd, mem, 4, (off_t)(unsigned long)u) != 4 || strcmp(mem, "view")) {
    kill(child, SIGKILL);
    CHECK(0, "/proc/PID/mem of the unshared page: '%s' (%s)", mem, strerror(errno));
  }
  long poke = 0;
  memcpy(&poke, "poke", 5);
  w = 0x4321;
  local.iov_base = &w;
  if (process_vm_writev(child, &local, 1, &remote, 1, 0) != sizeof w ||
      ptrace(PTRACE_POKEDATA, child, u, (void *)poke) != 0) {
    kill(child, SIGKILL);
    CHECK(0, "process_vm_writev/PTRACE_POKEDATA: %s", strerror(errno));
  }
  close(fd);
  ptrace(PTRACE_CONT, child, 0, 0);
  CHECK(waitpid(child, &st, 0) == child && WIFEXITED(st) && WEXITSTATUS(st) == 0,
        "the child saw other values (status %x)", st);
  return 1;
}

int main(int argc, char **argv) {
  (void)argc;
  self_name = argv[0];
  MMVIEW_START();
  run("proc-cmdline-while-the-leader-is-in-a-view", t_cmdline);
  run("vmsplice-from-a-view", t_vmsplice);
  run("process-vm-readv-ptrace-proc-mem-of-a-thread-in-a-view", t_remote_access);
  return failures != 0;
}
