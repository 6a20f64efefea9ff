/*
 * trap.c - a thread that reaches a trap in a MELF area is told why.
 *
 * The linker fills slot padding, the gaps between slots and the bodies of
 * the functions a reduced variant removed with the trap (docs/melf-abi.md
 * 4): hlt on x86-64, which faults in user mode with SIGSEGV (si_code
 * SI_KERNEL, the PC on the hlt), udf #0 on AArch64 (SIGILL; ILL_ILLOPC
 * from Linux, ILL_ILLOPN from qemu-user).
 * libmelf's handler for both signals looks at the PC: on a trap inside a
 * module's text part it prints one line that names the function, the
 * variant (and view) and what happened, then lets the signal take its
 * course (below). Every other SIGSEGV and SIGILL goes to the handler the
 * program had installed before libmelf's start-up, or gets the default
 * action, as if libmelf had installed nothing.
 *
 * After the message: the program's earlier handler runs, if it had one (a
 * crash reporter, a sanitizer); if it returns, or there is none, the
 * signal's default action ends the process (with a core dump where they
 * are enabled). Execution never goes on past a trap in the area.
 *
 * Async-signal-safe throughout: slots.c's readers, melf_say (write(2)),
 * sigaction.
 */
#define _GNU_SOURCE
#include "state.h"
#include <signal.h>
#include <string.h>
#include <ucontext.h>

static struct sigaction prev_segv, prev_ill;
static int installed;
static _Atomic int reported; /* one message per process */

static void context_regs(const void *ucv, uintptr_t *pc, uintptr_t *ret) {
  const ucontext_t *uc = ucv;
  *pc = *ret = 0;
#if defined(__x86_64__)
  *pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
  uintptr_t sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
  /* At a function's entry the return address is on top of the stack
   * (after a call; a tail call leaves its caller's). */
  if (sp && sp % 8 == 0)
    memcpy(ret, (const void *)sp, sizeof *ret);
#elif defined(__aarch64__)
  *pc = (uintptr_t)uc->uc_mcontext.pc;
  *ret = (uintptr_t)uc->uc_mcontext.regs[30]; /* the link register */
#else
  (void)uc;
#endif
}

/* Is this signal the area's trap at `pc`? */
static int area_trap(int sig, const siginfo_t *si, uintptr_t pc) {
#if defined(__x86_64__)
  if (sig != SIGSEGV || si->si_code != SI_KERNEL)
    return 0;
#elif defined(__aarch64__)
  /* Linux says ILL_ILLOPC, qemu-user ILL_ILLOPN: any fault's code. */
  if (sig != SIGILL || si->si_code <= 0)
    return 0;
#else
  return 0;
#endif
  return melf_module_of_text(pc) && melf_is_trap_at(pc);
}

/* " in 'f'" or " (0x...)" for an address (a return address). */
static size_t say_place(char *buf, size_t cap, size_t n, uintptr_t a) {
  struct melf_module *m = a ? melf_module_of_text(a) : 0;
  struct melf_slot_info si;
  int s = m ? melf_slot_find(m, a, 0, 0) : -1;
  if (s >= 0 && melf_slot_get(m, (uint32_t)s, 0, &si) == 0)
    return n + melf_fmt(buf + n, cap - n, " in '%s'", si.name);
  return n + melf_fmt(buf + n, cap - n, " %p", (void *)a);
}

/* The one message: which function, which variant, what happened. */
static void report(uintptr_t pc, uintptr_t ret) {
  struct melf_module *m = melf_module_of_text(pc);
  int local = melf_thread_image(m);
  const char *variant = m->layout.v[local].name;
  char where[96] = "", view[48] = "", buf[480];
  if (m != melf_rt.exe)
    melf_fmt(where, sizeof where, " of %s", m->name);
  if (melf_rt.mode == MELF_MODE_VIEWS)
    melf_fmt(view, sizeof view, ", view %ld", melf_mmview(MMVIEW_CURRENT, 0, 0));
  int before, after;
  int s = melf_slot_find(m, pc, &before, &after);
  struct melf_slot_info si;
  size_t n;
  if (s >= 0 && melf_slot_get(m, (uint32_t)s, local, &si) == 0 &&
      melf_is_trap_at(si.entry)) {
    /* Its entry traps: the function is not in this image (a reduced
     * variant removed it). Entered elsewhere than at the entry: a plain
     * slot of the whole-text area may hold several functions. */
    if (pc == si.entry)
      n = melf_fmt(buf, sizeof buf, "thread %d called '%s', which is not in "
                   "its variant '%s'%s%s (trap at %p", (int)melf_gettid(),
                   si.name, variant, where, view, (void *)pc);
    else
      n = melf_fmt(buf, sizeof buf, "thread %d reached '%s'%s%lx, which is "
                   "not in its variant '%s'%s%s (trap at %p", (int)melf_gettid(),
                   si.name, pc < si.entry ? "-" : "+",
                   (unsigned long)(pc < si.entry ? si.entry - pc : pc - si.entry),
                   variant, where, view, (void *)pc);
    if (pc == si.entry && ret) {
      n += melf_fmt(buf + n, sizeof buf - n, ", return address");
      n = say_place(buf, sizeof buf, n, ret);
    }
    n += melf_fmt(buf + n, sizeof buf - n, ")");
  } else if (s >= 0) {
    uintptr_t lo = si.entry - si.body_prefix, hi = si.entry + si.body_size;
    n = melf_fmt(buf, sizeof buf, "thread %d jumped into the trap padding of "
                 "'%s' in variant '%s'%s%s: %s%lx, %s its body", (int)melf_gettid(),
                 si.name, variant, where, view, pc < si.entry ? "entry-" : "entry+",
                 (unsigned long)(pc < si.entry ? si.entry - pc : pc - si.entry),
                 pc < lo ? "before" : pc >= hi ? "past the end of" : "inside");
  } else {
    n = melf_fmt(buf, sizeof buf, "thread %d jumped into the trap padding of "
                 "variant '%s'%s%s at %p, outside every function (", (int)melf_gettid(),
                 variant, where, view, (void *)pc);
    struct melf_slot_info b, a;
    if (before >= 0 && melf_slot_get(m, (uint32_t)before, local, &b) == 0)
      n += melf_fmt(buf + n, sizeof buf - n, "after '%s'%s", b.name,
                    after >= 0 ? ", " : "");
    if (after >= 0 && melf_slot_get(m, (uint32_t)after, local, &a) == 0)
      n += melf_fmt(buf + n, sizeof buf - n, "before '%s'", a.name);
    n += melf_fmt(buf + n, sizeof buf - n, ")");
  }
  melf_say("%s", buf);
}

/* The action the program had before libmelf: run it, or the default. */
static void chain(int sig, siginfo_t *si, void *uc, int fatal) {
  const struct sigaction *p = sig == SIGSEGV ? &prev_segv : &prev_ill;
  if ((p->sa_flags & SA_SIGINFO) && p->sa_sigaction) {
    p->sa_sigaction(sig, si, uc);
    if (!fatal)
      return; /* the program's handler decided */
  } else if (!(p->sa_flags & SA_SIGINFO) && p->sa_handler != SIG_DFL &&
             p->sa_handler != SIG_IGN) {
    p->sa_handler(sig);
    if (!fatal)
      return;
  } else if (p->sa_handler == SIG_IGN && si->si_code <= 0 && !fatal) {
    return; /* sent by kill(2), ignored as the program asked */
  }
  /* The default action: from now on for this signal. A fault happens
   * again when the handler returns; a sent signal is sent again. */
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigaction(sig, &dfl, 0);
  if (si->si_code <= 0)
    syscall(SYS_tgkill, getpid(), melf_gettid(), sig);
}

static void on_fault(int sig, siginfo_t *si, void *uc) {
  uintptr_t pc, ret;
  context_regs(uc, &pc, &ret);
  if (!area_trap(sig, si, pc)) {
    chain(sig, si, uc, 0);
    return;
  }
  struct melf_module *m = melf_module_of_text(pc);
  if (melf_record_trap(m, pc))
    return; /* record mode: the function is recorded, the thread goes on */
  int first = 0;
  if (atomic_compare_exchange_strong(&reported, &first, 1))
    report(pc, ret);
  chain(sig, si, uc, 1);
}

void melf_trap_install(void) {
  if (installed)
    return;
  installed = 1;
  static const int sigs[2] = {SIGSEGV, SIGILL};
  struct sigaction *prev[2] = {&prev_segv, &prev_ill};
  for (int i = 0; i < 2; i++) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    /* SA_ONSTACK: a stack overflow still reaches a program's handler on
     * its alternate stack. SA_NODEFER is not set: a fault in the handler
     * kills the process. */
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    /* (A program that ignores the signal keeps that for signals sent to
     * it: chain() ignores them; faults are fatal anyway.) */
    if (sigaction(sigs[i], 0, prev[i]) == 0)
      sigaction(sigs[i], &sa, 0);
  }
  DBG("trap handler installed (SIGSEGV, SIGILL)");
}
