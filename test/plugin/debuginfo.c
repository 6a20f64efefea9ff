// Clones keep valid debug information: the IR verifies and the object's
// DWARF verifies; each clone has its own subprogram.
// RUN: %clang %melf_cflags -g -O2 -S -emit-llvm %s -o %t.ll
// RUN: opt -passes=verify -disable-output %t.ll
// RUN: FileCheck %s < %t.ll
// RUN: %clang %melf_cflags -g -O2 -c %s -o %t.o
// RUN: llvm-dwarfdump --verify %t.o | FileCheck %s --check-prefix=DWARF
// RUN: %clang %melf_cflags -g -O0 -c %s -o %t0.o
// RUN: llvm-dwarfdump --verify %t0.o | FileCheck %s --check-prefix=DWARF

__attribute__((variant("debug", "x86-64-v3")))
int tri(int n) {
  int s = 0;
  for (int i = 1; i <= n; i++) s += i;
  return s;
}

// CHECK-DAG: define {{.*}}@tri({{.*}} !dbg ![[SP:[0-9]+]]
// CHECK-DAG: define internal {{.*}}@tri.melf.debug({{.*}} !dbg ![[SPD:[0-9]+]]
// CHECK-DAG: ![[SP]] = distinct !DISubprogram(name: "tri"
// CHECK-DAG: ![[SPD]] = distinct !DISubprogram(name: "tri"
// DWARF: No errors.
