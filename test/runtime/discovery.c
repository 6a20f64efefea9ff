// Discovery and every enumeration function, on PIE, non-PIE and static
// binaries, with the static and the shared libmelf.
// RUN: %clang %melf_cflags -O2 -c %s -o %t.o
// RUN: %clang %melf_ldflags -pie %t.o -o %t.pie && %t.pie | FileCheck %s
// RUN: %clang %melf_ldflags -no-pie %t.o -o %t.nopie && %t.nopie | FileCheck %s
// RUN: %clang %melf_ldflags -static %t.o -o %t.static && %t.static | FileCheck %s
// RUN: %clang -fuse-ld=melf -B%melf_shared_libdir/../../bin -L%melf_shared_libdir -Wl,-rpath,%melf_shared_libdir/.. -lmelf %t.o -o %t.shared
// RUN: llvm-readelf -d %t.shared | FileCheck %s --check-prefix=DYN
// RUN: %t.shared | FileCheck %s
#include <melf.h>
#include <stdio.h>

__attribute__((variant("x86-64-v3", "debug", "size")))
int f(int x) { return x + 1; }

int main(void) {
  printf("count %d mode %d status %d current %d\n", melf_variant_count(),
         melf_mode(), melf_status(), melf_current_variant());
  for (int i = 0; i < melf_variant_count(); i++)
    printf("variant %d %s find %d flags %x\n", i, melf_variant_name(i),
           melf_variant_find(melf_variant_name(i)), melf_variant_flags(i));
  int v3 = melf_variant_find("x86-64-v3");
  printf("best is v3 iff v3 supported: %d\n",
         (melf_best_variant() == v3) == (melf_variant_supported(v3) == 1));
  printf("debug supported %d\n", melf_variant_supported(melf_variant_find("debug")));
  printf("name(-1) %p name(4) %p\n", (void *)melf_variant_name(-1),
         (void *)melf_variant_name(4));
  printf("find(nope) %d find(NULL) %d supported(9) %d flags(9) %d\n",
         melf_variant_find("nope"), melf_variant_find(NULL),
         melf_variant_supported(9), melf_variant_flags(9));
  printf("message %s, compiled %s\n",
         melf_status_message() ? melf_status_message() : "none",
         melf_compiled_variant());
  for (int e = 0; e >= -13; e--)
    printf("strerror(%d) %s\n", e, melf_strerror(e));
  return f(0) == 1 ? 0 : 1;
}
// DYN: NEEDED{{.*}}libmelf.so
// CHECK: count 4 mode 1 status 0 current 0
// CHECK-NEXT: variant 0 default find 0 flags 1
// CHECK-NEXT: variant 1 x86-64-v3 find 1 flags 0
// CHECK-NEXT: variant 2 debug find 2 flags 4
// CHECK-NEXT: variant 3 size find 3 flags 8
// CHECK-NEXT: best is v3 iff v3 supported: 1
// CHECK-NEXT: debug supported 1
// CHECK-NEXT: name(-1) (nil) name(4) (nil)
// CHECK-NEXT: find(nope) -2 find(NULL) -1 supported(9) -1 flags(9) -1
// CHECK-NEXT: message none, compiled default
// CHECK-NEXT: strerror(0) success
// CHECK-NEXT: strerror(-1) invalid argument
// CHECK-NEXT: strerror(-2) no variant of that name
// CHECK-NEXT: strerror(-3) the CPU lacks ISA features
// CHECK-NEXT: strerror(-4) the executable has no MELF variants
// CHECK-NEXT: strerror(-5) the MELF metadata is corrupt
// CHECK-NEXT: strerror(-6) the executable file cannot be opened
// CHECK-NEXT: strerror(-7) other threads could not be brought to a safe point
// CHECK-NEXT: strerror(-8) per-thread switching needs kernel address-space views
// CHECK-NEXT: strerror(-9) the calling thread's stack holds a return address
// CHECK-NEXT: strerror(-10) a system call failed
// CHECK-NEXT: strerror(-11) too many threads
// CHECK-NEXT: strerror(-12) the calling thread is locked into its view
// CHECK-NEXT: strerror(-13) unknown error
