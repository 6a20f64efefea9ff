// A shared library with MELF input has its own MELF area (--melf-shared=keep,
// the default), needs the shared runtime and carries the module object;
// --melf-shared=strip keeps only the default code (one warning), =error
// refuses (docs/melf-abi.md, "Modules").
// RUN: %clang %melf_cflags -fPIC -O2 -c %s -o %t.o
// RUN: %clang %melf_ldflags -shared %t.o -o %t.so 2>&1 | count 0
// RUN: llvm-readelf -lSd --dyn-syms -s %t.so | FileCheck %s --check-prefix=SO
// RUN: %clang %melf_ldflags -shared -Wl,--melf-shared=strip %t.o -o %t1.so 2>&1 | FileCheck %s --check-prefix=WARN
// RUN: llvm-readelf -lS %t1.so | FileCheck %s --check-prefix=STRIP
// RUN: not %clang %melf_ldflags -shared -Wl,--melf-shared=error %t.o -o %t2.so 2>&1 | FileCheck %s --check-prefix=ERR
// RUN: not %clang %melf_ldflags -shared -Wl,--melf-shared=maybe %t.o -o %t3.so 2>&1 | FileCheck %s --check-prefix=BAD
// Without -lmelf the library lacks the module object: a warning says what
// that costs.
// RUN: %clang -fuse-ld=melf -B%melf_obj_root/bin -shared %t.o -o %t4.so 2>&1 | FileCheck %s --check-prefix=NOMOD

#include <melf.h>

__attribute__((variant("debug"))) int lib(int x) { return x * 2; }
// The library calls the API: bound at run time, never the static runtime.
int lib_variants(void) { return melf_variant_count(); }

// SO: .melf.text
// SO: .melf.image.debug
// SO: 0x6d454c01
// SO: 0x6d454c02
// SO: (NEEDED) Shared library: [libmelf.so.0]
// SO: Symbol table '.dynsym'
// SO-NOT: __melf_runtime
// SO-NOT: melf_rt
// SO: UND melf_variant_count
// SO-NOT: __melf_runtime
// SO-NOT: melf_rt
// SO: Symbol table '.symtab'
// SO: HIDDEN {{.*}} __melf_module
// WARN: warning: MELF input in a shared library (-shared): the library keeps only the default code
// STRIP-NOT: .melf.image
// STRIP-NOT: 0x6d454c0
// ERR: error: MELF input in a shared library (-shared) with --melf-shared=error; use --melf-shared=keep (the default) or --melf-shared=strip
// BAD: error: unknown --melf-shared value: maybe (expected keep, strip or error)
// NOMOD: warning: MELF shared library without libmelf's module object (link with -lmelf, e.g. `melf-config --ldflags`): libmelf finds the library only if it is loaded at start-up, not through dlopen
