// Every system call that changes what a process maps acts on the process
// when a thread in a view makes it, whatever the system-call ABI (64-bit,
// int $0x80 and x32) and whichever call it is (memory policy, protection
// keys, prctl on the mm, userfaultfd). A thread in a view makes the call,
// goes back to the base view and checks there. A static guest test: prints
// "CASE PASS mmview-abi/<name>" or "CASE FAIL mmview-abi/<name>: <why>".
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/mempolicy.h>
#ifdef __x86_64__
#include <asm/ldt.h>
#endif
#include <linux/userfaultfd.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define TEST_PREFIX "mmview-abi"
#include "mmview-test.h"

// x86-64 only: 32-bit (int $0x80) and x32 system calls; arm64 has neither.
#ifdef __x86_64__
// i386 system-call numbers (arch/x86/entry/syscalls/syscall_32.tbl) and the
// x32 bit (x32 uses the 64-bit numbers of these calls).
enum { IA32_BRK = 45, IA32_MUNMAP = 91, IA32_MPROTECT = 125, IA32_MADVISE = 219, IA32_MMAP2 = 192 };
#define X32_BIT 0x40000000L

// A 32-bit system call through int $0x80 (arguments in ebx, ecx, edx, esi,
// edi, ebp). The red zone below the stack pointer is stepped over before
// ebp is saved.
static long int80(long nr, long a, long b, long c, long d, long e, long f) {
  long ret;
  __asm__ volatile("sub $128, %%rsp\n\tpush %%rbp\n\tmov %[f], %%rbp\n\t"
                   "int $0x80\n\tpop %%rbp\n\tadd $128, %%rsp"
                   : "=a"(ret)
                   : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e), [f] "m"(f)
                   : "memory", "r8", "r9", "r10", "r11");
  return ret;
}

// A page below 4 GiB (32-bit calls see 32-bit addresses) holding 'x'.
static char *low_page(void) {
  char *p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
                 -1, 0);
  if (p == MAP_FAILED)
    return NULL;
  p[0] = 'x';
  return p;
}

// True if @p is mapped in the current view.
static int mapped(void *p) {
  unsigned char v;
  return mincore(p, page, &v) == 0;
}

// The permissions column of /proc/self/maps for the mapping holding @p.
static int perms(void *p, char out[5]) {
  FILE *f = fopen("/proc/self/maps", "r");
  char line[512];
  unsigned long a = (unsigned long)p, lo, hi;
  int found = 0;
  while (f && fgets(line, sizeof line, f))
    if (sscanf(line, "%lx-%lx %4s", &lo, &hi, out) == 3 && a >= lo && a < hi) {
      found = 1;
      break;
    }
  if (f)
    fclose(f);
  return found;
}

static int t_int80_munmap(void) {
  char *p = low_page();
  CHECK(p, "mmap MAP_32BIT");
  CHECK(into_view() && p[0] == 'x', "into a view");
  CHECK(int80(IA32_MUNMAP, (long)p, page, 0, 0, 0, 0) == 0, "int $0x80 munmap");
  CHECK(!mapped(p), "the view still maps the page");
  CHECK(migrate(0) > 0, "MIGRATE 0");
  CHECK(!mapped(p), "int $0x80 munmap from a view left the page mapped in the process");
  return 1;
}

static int t_int80_mprotect(void) {
  char *p = low_page();
  char pr[5];
  CHECK(p, "mmap MAP_32BIT");
  CHECK(into_view() && p[0] == 'x', "into a view");
  CHECK(int80(IA32_MPROTECT, (long)p, page, PROT_READ, 0, 0, 0) == 0, "int $0x80 mprotect");
  CHECK(migrate(0) > 0, "MIGRATE 0");
  CHECK(perms(p, pr), "no mapping in /proc/self/maps");
  CHECK(strcmp(pr, "r--p") == 0, "after int $0x80 mprotect(PROT_READ) from a view: %s", pr);
  return 1;
}

static int t_int80_mmap2(void) {
  CHECK(into_view(), "into a view");
  long r = int80(IA32_MMAP2, 0, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
                 0);
  CHECK(r > 0 && r < 0xfffff000L, "int $0x80 mmap2 = %ld", r);
  char *p = (char *)r;
  p[0] = 'y';
  CHECK(migrate(0) > 0, "MIGRATE 0");
  CHECK(mapped(p), "int $0x80 mmap2 from a view mapped only in the view");
  CHECK(p[0] == 'y', "the base view reads %d", p[0]);
  return 1;
}

static int t_int80_madvise(void) {
  char *p = low_page();
  CHECK(p, "mmap MAP_32BIT");
  CHECK(into_view() && p[0] == 'x', "into a view");
  long r = int80(IA32_MADVISE, (long)p, page, MADV_DONTNEED, 0, 0, 0);
  CHECK(r == 0, "int $0x80 madvise(MADV_DONTNEED) = %ld", r);
  CHECK(p[0] == 0, "the view still reads %d", p[0]);
  CHECK(migrate(0) > 0, "MIGRATE 0");
  CHECK(p[0] == 0, "MADV_DONTNEED by int $0x80 from a view: the process still reads %d", p[0]);
  return 1;
}

static int t_int80_brk(void) {
  long cur = syscall(SYS_brk, 0);
  CHECK(cur > 0 && cur < 0xfffff000L - 4 * page, "the break %#lx is not below 4 GiB", cur);
  CHECK(into_view(), "into a view");
  long r = int80(IA32_BRK, cur + 4 * page, 0, 0, 0, 0, 0);
  CHECK(r == cur + 4 * page, "int $0x80 brk(%#lx) from a view = %#lx", cur + 4 * page, r);
  ((char *)cur)[0] = 'b';
  CHECK(migrate(0) > 0, "MIGRATE 0");
  r = syscall(SYS_brk, 0);
  CHECK(r == cur + 4 * page, "int $0x80 brk from a view: the process's break is %#lx, not %#lx",
        r, cur + 4 * page);
  CHECK(((char *)cur)[0] == 'b', "the base view does not read the grown heap");
  return 1;
}

static int t_x32_munmap(void) {
  char *p = low_page();
  CHECK(p, "mmap MAP_32BIT");
  CHECK(into_view() && p[0] == 'x', "into a view");
  long r = syscall(X32_BIT | SYS_munmap, p, page);
  CHECK(r == 0, "x32 munmap: %s", strerror(errno));
  CHECK(migrate(0) > 0, "MIGRATE 0");
  CHECK(!mapped(p), "x32 munmap from a view left the page mapped in the process");
  return 1;
}

static int t_x32_mmap(void) {
  CHECK(into_view(), "into a view");
  long r = syscall(X32_BIT | SYS_mmap, 0, page, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(r != -1, "x32 mmap: %s", strerror(errno));
  CHECK(migrate(0) > 0, "MIGRATE 0");
  CHECK(mapped((void *)r), "x32 mmap from a view mapped only in the view");
  return 1;
}

#endif

#ifdef __x86_64__
// The LDT is per process: an entry a thread in a view writes is in every
// view's LDT, those created before the write and after it. Loading a
// selector whose entry a view lacks raises #GP (SIGSEGV: the case crashes).
static long set_ldt_entry(unsigned int idx) {
  struct user_desc d = {.entry_number = idx, .limit = 0xfffff, .seg_32bit = 1,
                        .limit_in_pages = 1, .useable = 1};
  return syscall(SYS_modify_ldt, 0x11, &d, sizeof d);
}
static void load_gs(unsigned int idx) {
  unsigned short sel = (unsigned short)(idx << 3 | 4 | 3), null = 0;
  __asm__ volatile("mov %0, %%gs\n\tmov %1, %%gs" : : "r"(sel), "r"(null));
}
// Entry @idx of the calling view's LDT (modify_ldt's read), 0 if empty.
static uint64_t ldt_entry(unsigned int idx) {
  static uint64_t table[64];
  memset(table, 0, sizeof table);
  if (syscall(SYS_modify_ldt, 0, table, sizeof table) < 0)
    return 0;
  return table[idx];
}

static int t_ldt_per_process(void) {
  long v1 = create(), v3 = create();
  CHECK(v1 > 0 && v3 > 0 && migrate(v1) == 0, "CREATE/MIGRATE: %s", strerror(errno));
  CHECK(set_ldt_entry(5) == 0, "modify_ldt from a view: %s", strerror(errno));
  load_gs(5);
  CHECK(migrate(0) >= 0, "MIGRATE 0");
  CHECK(ldt_entry(5) != 0, "the base view's LDT lacks the entry a view wrote");
  load_gs(5);
  CHECK(migrate(v3) >= 0, "MIGRATE to the other view");
  CHECK(ldt_entry(5) != 0, "a view created before the write lacks the entry");
  load_gs(5);
  long v2 = create();
  CHECK(v2 > 0 && migrate(v2) >= 0, "CREATE/MIGRATE after the write");
  load_gs(5);
  // Written from the base view, cleared in every view.
  struct user_desc clear = {.entry_number = 5, .read_exec_only = 1, .seg_not_present = 1};
  CHECK(migrate(0) >= 0 && syscall(SYS_modify_ldt, 1, &clear, sizeof clear) == 0,
        "modify_ldt (clear) from the base view: %s", strerror(errno));
  CHECK(migrate(v1) >= 0 && ldt_entry(5) == 0,
        "entry 5 cleared in the base view is still set in a view");
  return 1;
}
#endif

// mbind from a view sets the policy of the process's mapping, and
// get_mempolicy(MPOL_F_ADDR) in a view reads it (two NUMA nodes:
// numa=fake=2; arm64: two nodes from QEMU).
static int t_mbind(void) {
  char *p = map_anon(page);
  unsigned long node1 = 2, mask = 0;
  int mode = -1;
  CHECK(p, "mmap");
  CHECK(into_view(), "into a view");
  CHECK(syscall(SYS_mbind, p, page, MPOL_BIND, &node1, 8 * sizeof node1, 0) == 0,
        "mbind(node 1): %s", strerror(errno));
  CHECK(syscall(SYS_get_mempolicy, &mode, &mask, 8 * sizeof mask, p, MPOL_F_ADDR) == 0 &&
            mode == MPOL_BIND,
        "get_mempolicy in the view: mode %d", mode);
  CHECK(migrate(0) > 0, "MIGRATE 0");
  mode = -1;
  CHECK(syscall(SYS_get_mempolicy, &mode, &mask, 8 * sizeof mask, p, MPOL_F_ADDR) == 0,
        "get_mempolicy: %s", strerror(errno));
  CHECK(mode == MPOL_BIND && mask == 2, "mbind from a view: the process's policy is %d/%#lx",
        mode, mask);
  return 1;
}

// Protection keys are allocated per process: a key handed out in a view is
// not handed out again in the base view.
static int t_pkey_alloc(void) {
  long a = syscall(SYS_pkey_alloc, 0, 0);
  if (a < 0 && (errno == ENOSPC || errno == EINVAL || errno == ENOSYS)) {
    printf("note: mmview-abi/pkey-alloc-once-per-process: no protection keys on this CPU\n");
    return 1;
  }
  CHECK(a > 0, "pkey_alloc: %s", strerror(errno));
  CHECK(into_view(), "into a view");
  long b = syscall(SYS_pkey_alloc, 0, 0);
  CHECK(b > 0 && b != a, "pkey_alloc in a view = %ld (base had %ld)", b, a);
  CHECK(migrate(0) > 0, "MIGRATE 0");
  long c = syscall(SYS_pkey_alloc, 0, 0);
  CHECK(c > 0 && c != a && c != b, "pkey_alloc in the base view handed out %ld again", c);
  CHECK(syscall(SYS_pkey_free, b) == 0, "pkey_free of the view's key in the base view");
  return 1;
}

// prctl(PR_SET_MM) and PR_SET_THP_DISABLE change the process.
static int t_prctl_set_mm(void) {
  static const char args[] = "melf-view\0arg";
  char *buf = map_anon(page), got[64] = {0};
  CHECK(buf, "mmap");
  memcpy(buf, args, sizeof args);
  CHECK(into_view(), "into a view");
  CHECK(prctl(PR_SET_MM, PR_SET_MM_ARG_START, (unsigned long)buf, 0, 0) == 0 &&
            prctl(PR_SET_MM, PR_SET_MM_ARG_END, (unsigned long)buf + sizeof args, 0, 0) == 0,
        "PR_SET_MM: %s", strerror(errno));
  CHECK(migrate(0) > 0, "MIGRATE 0");
  int fd = open("/proc/self/cmdline", O_RDONLY);
  long n = fd >= 0 ? read(fd, got, sizeof got - 1) : -1;
  CHECK(n == (long)sizeof args && memcmp(got, args, sizeof args) == 0,
        "PR_SET_MM from a view: /proc/self/cmdline has %ld bytes '%s'", n, got);
  return 1;
}

static int t_prctl_thp_disable(void) {
  CHECK(into_view(), "into a view");
  CHECK(prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) == 0, "PR_SET_THP_DISABLE: %s", strerror(errno));
  CHECK(migrate(0) > 0, "MIGRATE 0");
  CHECK(prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0) == 1,
        "PR_SET_THP_DISABLE from a view did not reach the process");
  return 1;
}

// A userfaultfd made in a view registers the process's memory (its mirror
// is not what userfaultfd watches).
static int t_userfaultfd(void) {
  char *p = map_anon(4 * page);
  CHECK(p, "mmap");
  CHECK(into_view(), "into a view");
  int uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
  CHECK(uffd >= 0, "userfaultfd: %s", strerror(errno));
  struct uffdio_api api = {.api = UFFD_API};
  CHECK(ioctl(uffd, UFFDIO_API, &api) == 0, "UFFDIO_API: %s", strerror(errno));
  struct uffdio_register reg = {
      .range = {.start = (unsigned long)p, .len = 4 * page}, .mode = UFFDIO_REGISTER_MODE_MISSING};
  CHECK(ioctl(uffd, UFFDIO_REGISTER, &reg) == 0, "UFFDIO_REGISTER from a view: %s",
        strerror(errno));
  // Fill the first page through the descriptor; the base view reads it.
  static char src[4096] __attribute__((aligned(4096)));
  memset(src, 'u', page);
  struct uffdio_copy cp = {.dst = (unsigned long)p, .src = (unsigned long)src, .len = page};
  CHECK(ioctl(uffd, UFFDIO_COPY, &cp) == 0 && cp.copy == page, "UFFDIO_COPY: %s",
        strerror(errno));
  CHECK(migrate(0) > 0, "MIGRATE 0");
  CHECK(p[0] == 'u', "UFFDIO_COPY made in a view: the process reads %d", p[0]);
  return 1;
}

// A thread in a view faults on memory a userfaultfd watches: the fault
// waits for the handler (a thread in the base view) like any other
// thread's, instead of SIGBUS.
static int uffd_fd;
static char *uffd_area;
static void *uffd_handler(void *arg) {
  (void)arg;
  static char src[4096] __attribute__((aligned(4096)));
  struct uffd_msg msg;
  while (read(uffd_fd, &msg, sizeof msg) == sizeof msg) {
    if (msg.event != UFFD_EVENT_PAGEFAULT)
      continue;
    memset(src, 'h', page);
    struct uffdio_copy cp = {.dst = msg.arg.pagefault.address & ~(unsigned long)(page - 1),
                             .src = (unsigned long)src, .len = page};
    ioctl(uffd_fd, UFFDIO_COPY, &cp);
  }
  return NULL;
}

static int t_userfaultfd_fault_in_view(void) {
  uffd_area = map_anon(4 * page);
  CHECK(uffd_area, "mmap");
  uffd_fd = syscall(SYS_userfaultfd, O_CLOEXEC);
  CHECK(uffd_fd >= 0, "userfaultfd: %s", strerror(errno));
  struct uffdio_api api = {.api = UFFD_API};
  CHECK(ioctl(uffd_fd, UFFDIO_API, &api) == 0, "UFFDIO_API: %s", strerror(errno));
  struct uffdio_register reg = {.range = {.start = (unsigned long)uffd_area, .len = 4 * page},
                                .mode = UFFDIO_REGISTER_MODE_MISSING};
  CHECK(ioctl(uffd_fd, UFFDIO_REGISTER, &reg) == 0, "UFFDIO_REGISTER: %s", strerror(errno));
  pthread_t t;
  CHECK(pthread_create(&t, NULL, uffd_handler, NULL) == 0, "pthread_create");
  CHECK(into_view(), "into a view");
  // A read and a write fault, each resolved by the handler.
  CHECK(uffd_area[page] == 'h', "the view read %d through userfaultfd", uffd_area[page]);
  uffd_area[2 * page] = 'w';
  CHECK(uffd_area[2 * page] == 'w' && uffd_area[2 * page + 1] == 'h', "the write fault");
  CHECK(migrate(0) > 0, "MIGRATE 0");
  CHECK(uffd_area[2 * page] == 'w', "the base view reads %d", uffd_area[2 * page]);
  return 1;
}

// A view's unshared range holds memory of its own: a call that reports
// into a buffer there writes the view's copy (mincore), or is refused
// (calls that run on the process's master, such as get_mempolicy), and the
// base view's copy is never touched.
static int t_buffers_in_unshared_range(void) {
  char *u = map_anon(page), *sh = map_anon(4 * page);
  CHECK(u && sh, "mmap");
  memset(sh, 's', 4 * page);
  memset(u, 0x55, page);
  CHECK(mmview(MMVIEW_UNSHARE, (unsigned long)u, page) == 0, "UNSHARE: %s", strerror(errno));
  CHECK(into_view(), "into a view");
  memset(u, 0x2a, page);  // the view's copy
  CHECK(mincore(sh, 4 * page, (unsigned char *)u) == 0, "mincore: %s", strerror(errno));
  CHECK((u[0] & 1) && (u[3] & 1) && u[4] == 0x2a,
        "mincore from a view wrote %#x %#x %#x into the view's buffer", u[0], u[3], u[4]);
  int *mode = (int *)(u + 64);
  EXPECT_ERR(syscall(SYS_get_mempolicy, mode, NULL, 0, sh, MPOL_F_ADDR), EFAULT);
  CHECK(migrate(0) > 0, "MIGRATE 0");
  for (long i = 0; i < page; i++)
    CHECK(u[i] == 0x55, "the base view's copy changed at %ld: %#x", i, u[i]);
  return 1;
}

int main(void) {
  MMVIEW_START();
#ifdef __x86_64__
  run("int80-munmap-acts-on-the-process", t_int80_munmap);
  run("int80-mprotect-acts-on-the-process", t_int80_mprotect);
  run("int80-mmap2-maps-in-the-process", t_int80_mmap2);
  run("int80-madvise-acts-on-the-process", t_int80_madvise);
  run("int80-brk-grows-the-process-heap", t_int80_brk);
  run("x32-munmap-acts-on-the-process", t_x32_munmap);
  run("x32-mmap-maps-in-the-process", t_x32_mmap);
  run("ldt-entries-are-the-process-s", t_ldt_per_process);
#endif
  run("mbind-sets-the-process-policy", t_mbind);
  run("pkey-alloc-once-per-process", t_pkey_alloc);
  run("prctl-set-mm-reaches-the-process", t_prctl_set_mm);
  run("prctl-thp-disable-reaches-the-process", t_prctl_thp_disable);
  run("userfaultfd-registers-the-process-memory", t_userfaultfd);
  run("userfaultfd-fault-from-a-view-waits-for-the-handler", t_userfaultfd_fault_in_view);
  run("buffers-in-an-unshared-range-stay-the-view-s", t_buffers_in_unshared_range);
  return failures != 0;
}
