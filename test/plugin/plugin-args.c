// Bad plugin arguments and variants files are errors naming the argument,
// or the file and line; the compile fails and writes nothing.
// RUN: not %clang %melf_cflags -fplugin-arg-melf-variants=x86-64-v9 -c %s -o %t.o 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not %clang %melf_cflags -fplugin-arg-melf-colour=blue -c %s -o %t.o 2>&1 | FileCheck %s --check-prefix=BADARG
// RUN: not %clang %melf_cflags -fplugin-arg-melf-variants= -c %s -o %t.o 2>&1 | FileCheck %s --check-prefix=EMPTY
// RUN: not %clang %melf_cflags -fplugin-arg-melf-functions=hot -c %s -o %t.o 2>&1 | FileCheck %s --check-prefix=NOVARIANTS
// RUN: not %clang %melf_cflags -fplugin-arg-melf-variants-file=%S/Inputs/missing.variants -c %s -o %t.o 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not %clang %melf_cflags -fplugin-arg-melf-variants-file=%S/Inputs/bad-key.variants -c %s -o %t.o 2>&1 | FileCheck %s --check-prefix=BADKEY
// RUN: not %clang %melf_cflags -fplugin-arg-melf-variants-file=%S/Inputs/bad-sanitizer.variants -c %s -o %t.o 2>&1 | FileCheck %s --check-prefix=UBSAN
// RUN: not %clang %melf_cflags -fplugin-arg-melf-define=msan:sanitize=memory -c %s -o %t.o 2>&1 | FileCheck %s --check-prefix=MSAN
// RUN: not %clang %melf_cflags -fplugin-arg-melf-define=x:cpu=pentium9 -c %s -o %t.o 2>&1 | FileCheck %s --check-prefix=CPU
// RUN: not %clang %melf_cflags -fplugin-arg-melf-define=debug:opt=s -c %s -o %t.o 2>&1 | FileCheck %s --check-prefix=REDEF
// RUN: not %clang %melf_cflags -fplugin-arg-melf-define=has.dot -c %s -o %t.o 2>&1 | FileCheck %s --check-prefix=NAME
// RUN: not %clang %melf_cflags -fplugin-arg-melf-define=v:opt=3 -c %s -o %t.o 2>&1 | FileCheck %s --check-prefix=OPT
// RUN: not %clang %melf_cflags -fplugin-arg-melf-variants=default -c %s -o %t.o 2>&1 | FileCheck %s --check-prefix=DEFAULT
// RUN: not %clang %melf_cflags --target=aarch64-linux-gnu -fplugin-arg-melf-define=fast:cpu=haswell -c %s -o %t.o 2>&1 | FileCheck %s --check-prefix=ARCH
// RUN: not %clang %melf_cflags --target=aarch64-linux-gnu -fplugin-arg-melf-variants=x86-64-v3 -c %s -o %t.o 2>&1 | FileCheck %s --check-prefix=ARCH2

int f(void) { return 0; }

// UNKNOWN: error: MELF: -fplugin-arg-melf-variants=x86-64-v9: unknown variant 'x86-64-v9'
// BADARG: error: MELF: -fplugin-arg-melf-colour=blue: unknown argument 'colour=blue' (expected variants=, functions=, variants-file=, define=, as-variant=, whole-file[=V,...])
// EMPTY: error: MELF: -fplugin-arg-melf-variants=: 'variants=' needs at least one variant name
// NOVARIANTS: error: MELF: a function list is given but no variants are configured
// MISSING: error: MELF: -fplugin-arg-melf-variants-file={{.*}}missing.variants: cannot read variants file '{{.*}}missing.variants': No such file or directory
// BADKEY: error: MELF: -fplugin-arg-melf-variants-file={{.*}}: {{.*}}bad-key.variants:3: unknown key 'frobnicate' (expected cpu, features, opt, sanitize, description)
// UBSAN: {{.*}}bad-sanitizer.variants:1: sanitizer 'undefined' cannot differ per function: UBSan checks are emitted from the AST, before any function can be cloned; use a whole-file variant
// MSAN: sanitizer 'memory' cannot differ per function: MSan needs every function of the program instrumented
// CPU: error: MELF: -fplugin-arg-melf-define=x:cpu=pentium9: unknown x86-64 CPU 'pentium9'
// REDEF: variant 'debug' is already defined (built in)
// NAME: variant name 'has.dot' contains '.'; use letters, digits, '-' and '_'
// OPT: opt must be one of inherit, 0, none, s, z; got '3'
// DEFAULT: 'default' always exists and cannot be listed as a variant
// ARCH: error: MELF: variant 'fast' targets x86-64 but the target is 'aarch64-unknown-linux-gnu'
// ARCH2: error: MELF: configured variant 'x86-64-v3' targets x86-64 but the target is 'aarch64-unknown-linux-gnu'
