/* Runs the kernels, then switches the process to every variant by name
 * (argv[1..]): supported ones run their code, unsupported ones must be
 * refused with MELF_ENOTSUP and never run. */
#include <melf.h>
#include <stdio.h>

int run_kernels(void);

int main(int argc, char **argv) {
  run_kernels();
  for (int i = 1; i < argc; i++) {
    int id = melf_variant_find(argv[i]);
    int rc = melf_switch_process(id);
    printf("switch %s: %s (supported %d)\n", argv[i],
           rc == 0 ? "ok" : melf_strerror(rc), melf_variant_supported(id));
    if (rc == 0)
      run_kernels();
  }
  return 0;
}
