/*
 * sys.h - raw system calls for the minimal runtime (min.c): no libc
 * wrapper (each would be another dynamic symbol and PLT entry in the
 * program), no errno: the result is the kernel's, -errno on failure.
 */
#ifndef MELF_MIN_SYS_H
#define MELF_MIN_SYS_H

#include <sys/syscall.h>

#if defined(__x86_64__)
static inline long melf_min_sys(long n, long a, long b, long c, long d,
                                long e, long f) {
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  register long r9 __asm__("r9") = f;
  long r;
  __asm__ volatile("syscall"
                   : "=a"(r)
                   : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8),
                     "r"(r9)
                   : "rcx", "r11", "memory");
  return r;
}
/* Three arguments: the kernel reads no more, r10, r8 and r9 stay as they
 * are. */
static inline long melf_min_sys3(long n, long a, long b, long c) {
  long r;
  __asm__ volatile("syscall"
                   : "=a"(r)
                   : "a"(n), "D"(a), "S"(b), "d"(c)
                   : "rcx", "r11", "memory");
  return r;
}
#elif defined(__aarch64__)
static inline long melf_min_sys(long n, long a, long b, long c, long d,
                                long e, long f) {
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  register long x3 __asm__("x3") = d;
  register long x4 __asm__("x4") = e;
  register long x5 __asm__("x5") = f;
  __asm__ volatile("svc 0"
                   : "+r"(x0)
                   : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
                   : "memory");
  return x0;
}
static inline long melf_min_sys3(long n, long a, long b, long c) {
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
  return x0;
}
#else
#error "libmelf_min: no system call sequence for this architecture"
#endif

#define SYS3(n, a, b, c) melf_min_sys3(n, (long)(a), (long)(b), (long)(c))

#endif
