// Record mode: MELF_RECORD=FILE writes the multivariant functions the
// process called, one name per line (the allow-list --melf-reduce reads):
// called directly, through a pointer, only by a second thread, after a
// process switch (the new image is armed again) and by a forked child;
// never one that did not run. Each function runs at full speed after its
// first call, and every result is right.
// RUN: %clang %melf_cflags -O2 -c %s -o %t.o
// RUN: %clang %melf_ldflags %t.o -lpthread -o %t
// RUN: rm -f %t.list %t.list.*
// RUN: env MELF_RECORD=%t.list %t a > %t.out
// RUN: FileCheck %s --check-prefix=OUT < %t.out
// RUN: sort %t.list | FileCheck %s --check-prefix=LIST-A --implicit-check-not={{.}}
// OUT: results 3 4 12 16 2000000
// LIST-A: by_pointer
// LIST-A-NEXT: in_thread
// LIST-A-NEXT: loop_body
// LIST-A-NEXT: main_only
// The same workload with a switch to 'size' in the middle: after_switch
// runs only in the size image.
// RUN: env MELF_RECORD=%t.list %t b > %t.out
// RUN: FileCheck %s --check-prefix=OUT < %t.out
// RUN: sort %t.list | FileCheck %s --check-prefix=LIST-B --implicit-check-not={{.}}
// LIST-B: after_switch
// LIST-B-NEXT: by_pointer
// LIST-B-NEXT: in_thread
// LIST-B-NEXT: loop_body
// LIST-B-NEXT: main_only
// A static program too.
// RUN: %clang %melf_ldflags -static %t.o -lpthread -o %t.static
// RUN: env MELF_RECORD=%t.list %t.static a > %t.out
// RUN: sort %t.list | FileCheck %s --check-prefix=LIST-A --implicit-check-not={{.}}
// %p: each process writes its own file; the forked child's has what it
// called after the fork plus what its parent had called before.
// RUN: env MELF_RECORD=%t.list.%%p %t fork > %t.out
// RUN: cat %t.list.* | sort | uniq -c | FileCheck %s --check-prefix=FORK
// FORK: 2 main_only
// FORK-NEXT: 1 only_in_child
// Without %p the child writes nothing: FILE is the parent's.
// RUN: env MELF_RECORD=%t.list %t fork > %t.out
// RUN: FileCheck %s --check-prefix=PARENT --implicit-check-not={{.}} < %t.list
// PARENT: main_only
// melf_record_write: the list so far, to another file, at any time.
// RUN: env MELF_RECORD=%t.list %t write %t.now > %t.out
// RUN: FileCheck %s --check-prefix=NOW --implicit-check-not={{.}} < %t.now
// NOW: main_only
// Not recording: melf_record_write says so, nothing is written.
// RUN: %t write %t.none | FileCheck %s --check-prefix=NOTREC
// NOTREC: melf_record_write: -1
// A file that cannot be opened: one message, the program runs unchanged.
// RUN: env MELF_RECORD=%t.nodir/list %t a 2>&1 | FileCheck %s --check-prefix=BADFILE
// BADFILE: melf: MELF_RECORD={{.*}}nodir/list: cannot open {{.*}}nodir/list (No such file or directory); not recording
// BADFILE-NEXT: results 3 4 12 16 2000000
#include <melf.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MV __attribute__((variant("size")))
MV int main_only(int x) { return x + 2; }
MV int by_pointer(int x) { return x * 4; }
MV int in_thread(int x) { return x * 12; }
MV int loop_body(int x) { return x + 2; }
MV int after_switch(int x) { return x * 16; }
MV int only_in_child(int x) { return x - 1; }
MV int never_called(int x) { return x * 99; }

static void *thread_fn(void *p) {
  *(int *)p = in_thread(1);
  return 0;
}

int main(int argc, char **argv) {
  const char *what = argc > 1 ? argv[1] : "a";
  int (*volatile fp)(int) = by_pointer;
  if (!strcmp(what, "fork")) {
    main_only(1);
    pid_t c = fork();
    if (c == 0) {
      only_in_child(1);
      return 0;
    }
    waitpid(c, 0, 0);
    return 0;
  }
  if (!strcmp(what, "write")) {
    main_only(1);
    printf("melf_record_write: %d\n", melf_record_write(argv[2]));
    return 0;
  }
  int r1 = main_only(1), r2 = fp(1), r3 = 0, r4 = 16;
  pthread_t t;
  pthread_create(&t, 0, thread_fn, &r3);
  pthread_join(t, 0);
  long sum = 0;
  for (int i = 0; i < 1000000; i++)
    sum += loop_body(0);
  if (!strcmp(what, "b")) {
    if (melf_switch_process(melf_variant_find("size")) != 0)
      printf("cannot switch\n");
    r4 = after_switch(1);
  }
  printf("results %d %d %d %d %ld\n", r1, r2, r3, r4, sum);
  return 0;
}
