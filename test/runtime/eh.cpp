// C++ exceptions, destructors, noexcept and backtraces in every variant: the
// unwinder must use the unwind tables of the image that is mapped (per-image
// .eh_frame, docs/melf-abi.md "Unwinding"). Three nested multivariant
// functions whose debug (-O0) and size clones have other frame layouts than
// the -O2 default; the exception is thrown in the innermost and caught in
// main, each level's destructor must run. Process mode, dynamic and static
// (static executables register .eh_frame through crtbeginT.o and walk it).
// RUN: %clangxx %melf_cflags -O2 -c %s -o %t.o
// RUN: %clangxx %melf_ldflags -rdynamic %t.o -o %t
// RUN: %t | FileCheck %s
// RUN: %t noexcept debug | FileCheck %s --check-prefix=TERM
// RUN: %t noexcept default | FileCheck %s --check-prefix=TERM-DEFAULT
// RUN: %clangxx %melf_ldflags -static %t.o -o %t.static
// RUN: %t.static | FileCheck %s --check-prefix=STATIC
// RUN: %ld_melf --version > /dev/null
// The region of slot FDEs: one .eh_frame_hdr entry per slot, the same in
// every image; melf-objdump --verify accepts the layout.
// RUN: melf-objdump --verify %t
// RUN: llvm-readelf -u %t | FileCheck %s --check-prefix=UNWIND
#include <execinfo.h>
#include <melf.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <unistd.h>

static int destroyed;
struct Guard {
  int level;
  ~Guard() { destroyed += level; }
};

static int frames_ok;

// Is `name` among the symbol names of the current backtrace?
static bool in_backtrace(char **syms, int n, const char *name) {
  for (int i = 0; i < n; i++)
    if (std::strstr(syms[i], name))
      return true;
  return false;
}

[[melf::variant("debug", "size")]] __attribute__((noinline)) int level3(int x) {
  Guard g{100};
  volatile int local[8] = {x};
  if (local[0] > 0) {
    void *pcs[32];
    int n = backtrace(pcs, 32);
    char **syms = backtrace_symbols(pcs, n);
    frames_ok = syms && in_backtrace(syms, n, "level3") && in_backtrace(syms, n, "level2") &&
                in_backtrace(syms, n, "level1") && in_backtrace(syms, n, "main");
    std::free(syms);
    throw std::runtime_error(melf_compiled_variant());
  }
  return local[0];
}

[[melf::variant("debug", "size")]] __attribute__((noinline)) int level2(int x) {
  Guard g{10};
  volatile double pad[5] = {1.0 * x};
  return level3(x + 1) + (int)pad[0];
}

[[melf::variant("debug", "size")]] __attribute__((noinline)) int level1(int x) {
  Guard g{1};
  return level2(x * 2) + 1;
}

[[melf::variant("debug")]] __attribute__((noinline)) void must_not_throw() noexcept {
  Guard g{1000};
  level1(1);
}

static const char *term_variant;
[[noreturn]] static void on_terminate() {
  std::printf("terminate in %s after noexcept violation\n", term_variant);
  std::fflush(stdout);
  _exit(0);
}

int main(int argc, char **argv) {
  if (argc == 3 && !std::strcmp(argv[1], "noexcept")) {
    melf::scoped_variant v(argv[2]);
    term_variant = melf_variant_name(melf_current_variant());
    std::set_terminate(on_terminate);
    must_not_throw();
    std::printf("not terminated\n");
    return 1;
  }
  const char *names[] = {"default", "debug", "size", "default"};
  for (const char *name : names) {
    melf::scoped_variant v(name);
    destroyed = 0;
    frames_ok = 0;
    try {
      level1(20);
      std::printf("%s: no exception\n", name);
    } catch (const std::runtime_error &e) {
      std::printf("%s: caught from %s, destructors %d, backtrace %s\n", name, e.what(),
                  destroyed, frames_ok ? "names all levels" : "WRONG");
    }
  }
  return 0;
}
// CHECK: default: caught from default, destructors 111, backtrace names all levels
// CHECK-NEXT: debug: caught from debug, destructors 111, backtrace names all levels
// CHECK-NEXT: size: caught from size, destructors 111, backtrace names all levels
// CHECK-NEXT: default: caught from default, destructors 111, backtrace names all levels
// Static: no dynamic symbols, so backtrace_symbols cannot name frames.
// STATIC: default: caught from default, destructors 111, backtrace
// STATIC-NEXT: debug: caught from debug, destructors 111, backtrace
// STATIC-NEXT: size: caught from size, destructors 111, backtrace
// STATIC-NEXT: default: caught from default, destructors 111, backtrace
// TERM: terminate in debug after noexcept violation
// TERM-DEFAULT: terminate in default after noexcept violation
// UNWIND: .eh_frame_hdr
