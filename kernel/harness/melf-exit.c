// Ends the QEMU guest with a status the host can read: writes CODE to the
// isa-debug-exit device (-device isa-debug-exit,iobase=0xf4,iosize=0x04);
// QEMU then exits with status (CODE << 1) | 1.
//
//   melf-exit CODE
#include <stdio.h>
#include <stdlib.h>
#include <sys/io.h>

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: melf-exit CODE\n");
    return 2;
  }
  if (ioperm(0xf4, 4, 1) != 0) {
    perror("melf-exit: ioperm");
    return 1;
  }
  outl((unsigned)strtoul(argv[1], NULL, 0), 0xf4);
  // Only reached when QEMU has no isa-debug-exit device.
  fprintf(stderr, "melf-exit: no isa-debug-exit device\n");
  return 1;
}
