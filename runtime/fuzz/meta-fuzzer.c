/*
 * meta-fuzzer.c - libFuzzer target for libmelf's metadata parser.
 *
 * The input is an ELF file (seeds: MELF binaries linked by ld.melf). The
 * harness takes the program headers and the PT_MELF_META bytes from it, as
 * the runtime takes them from memory, and runs melf_meta_parse() with and
 * without a file size. Any crash or sanitizer report is a bug; a rejected
 * input is the expected outcome for almost all mutations.
 */
#include "internal.h"
#include <elf.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Elf64_Ehdr eh;
  if (size < sizeof eh)
    return 0;
  memcpy(&eh, data, sizeof eh);
  if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum > 256 ||
      eh.e_phoff > size || eh.e_phnum * sizeof(Elf64_Phdr) > size - eh.e_phoff)
    return 0;
  struct melf_ph ph[256];
  int meta = -1;
  for (int i = 0; i < eh.e_phnum; i++) {
    Elf64_Phdr p;
    memcpy(&p, data + eh.e_phoff + i * sizeof p, sizeof p);
    ph[i] = (struct melf_ph){.type = p.p_type, .flags = p.p_flags,
                             .offset = p.p_offset, .vaddr = p.p_vaddr,
                             .filesz = p.p_filesz, .memsz = p.p_memsz};
    if (p.p_type == PT_MELF_META)
      meta = i;
  }
  if (meta < 0 || ph[meta].offset > size || ph[meta].filesz > size - ph[meta].offset)
    return 0;
  /* Exactly the metadata bytes, in their own allocation, so that ASan sees
   * any read past them. */
  uint8_t *copy = __builtin_malloc(ph[meta].filesz ? ph[meta].filesz : 1);
  memcpy(copy, data + ph[meta].offset, ph[meta].filesz);
  struct melf_layout out;
  char why[200];
  melf_meta_parse(copy, ph[meta].filesz, ph[meta].vaddr, ph, eh.e_phnum,
                  MELF_ARCH_X86_64, 4096, 0, &out, why, sizeof why);
  melf_meta_parse(copy, ph[meta].filesz, ph[meta].vaddr, ph, eh.e_phnum,
                  MELF_ARCH_X86_64, 4096, size, &out, why, sizeof why);
  __builtin_free(copy);
  return 0;
}
