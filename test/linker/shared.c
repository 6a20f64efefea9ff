// A shared library keeps only the default code of MELF objects, with one
// warning (--melf-shared=strip, the default), or refuses them.
// RUN: %clang %melf_cflags -fPIC -O2 -c %s -o %t.o
// RUN: %clang %melf_ldflags -shared %t.o -o %t.so 2>&1 | FileCheck %s --check-prefix=WARN
// RUN: llvm-readelf -lS %t.so | FileCheck %s --check-prefix=SO
// RUN: not %clang %melf_ldflags -shared -Wl,--melf-shared=error %t.o -o %t2.so 2>&1 | FileCheck %s --check-prefix=ERR
// RUN: not %clang %melf_ldflags -shared -Wl,--melf-shared=maybe %t.o -o %t3.so 2>&1 | FileCheck %s --check-prefix=BAD

__attribute__((variant("debug"))) int lib(int x) { return x * 2; }

// WARN: warning: MELF input in a shared library (-shared): the library keeps only the default code
// SO-NOT: .melf.image
// SO-NOT: 0x6d454c0
// ERR: error: MELF input in a shared library (-shared): multivariant functions need an executable
// BAD: error: unknown --melf-shared value: maybe (expected strip or error)
