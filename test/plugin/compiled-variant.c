// melf_compiled_variant() folds to the name of the variant each body was
// compiled as, so code can behave differently per variant. The program runs
// with the default body (no MELF runtime or linker needed for that).
// RUN: %clang %melf_cflags -O2 -S -emit-llvm %s -o - | FileCheck %s
// RUN: %clang %melf_cflags -O0 %s -o %t && %t | FileCheck %s --check-prefix=OUT
// RUN: %clang %melf_cflags -O2 %s -o %t2 && %t2 | FileCheck %s --check-prefix=OUT
#include <melf.h>
#include <stdio.h>
#include <string.h>

__attribute__((variant("debug", "x86-64-v2")))
int checked_div(int a, int b) {
  if (strcmp(melf_compiled_variant(), "debug") == 0 && b == 0) {
    fprintf(stderr, "debug: division by zero\n");
    return 0;
  }
  return b ? a / b : -1;
}

__attribute__((variant("debug")))
const char *which(void) { return melf_compiled_variant(); }

int main(void) {
  printf("main=%s which=%s div=%d\n", melf_compiled_variant(), which(),
         checked_div(7, 2));
  return 0;
}

// CHECK-DAG: @__melf_variant_name.debug = private unnamed_addr constant [6 x i8] c"debug\00"
// CHECK-DAG: @__melf_variant_name.default = private unnamed_addr constant [8 x i8] c"default\00"
// CHECK-LABEL: define dso_local ptr @which()
// CHECK-NEXT: ret ptr @__melf_variant_name.default
// CHECK-LABEL: define internal {{.*}}ptr @which.melf.debug()
// CHECK: ret ptr @__melf_variant_name.debug
// No call is left for the linker to resolve.
// CHECK-NOT: call {{.*}}@melf_compiled_variant
// CHECK-NOT: declare {{.*}}@melf_compiled_variant

// OUT-NOT: debug
// OUT: main=default which=default div=3
