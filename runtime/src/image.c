/*
 * image.c - mapping variant images from the executable file.
 *
 * A variant's image is mapped over the text part (and its rodata part over
 * the rodata part) with MAP_PRIVATE|MAP_FIXED from the descriptor start-up
 * opened and checked (startup.c): image pages are shared page cache, and a
 * switch allocates nothing.
 */
#define _GNU_SOURCE
#include "state.h"
#include <sys/mman.h>
#include <sys/stat.h>

/* Is melf_rt.fd still the file start-up checked? The program may have
 * closed it, or reused the number for another file. */
static int fd_still_ours(void) {
  struct stat st;
  return melf_rt.fd >= 0 && fstat(melf_rt.fd, &st) == 0 &&
         st.st_dev == melf_rt.dev && st.st_ino == melf_rt.ino;
}

/* Maps variant `id`'s image over the area in the calling thread's view.
 * Through the raw system call, not libc's mmap: sanitizer runtimes (TSan,
 * MSan, ...) intercept mmap and update shadow memory for the range, which
 * is neither needed for code nor safe while other threads are stopped at a
 * safe point or run in other views. */
int melf_map_image(int id) {
  const struct melf_variant_rt *v = &melf_rt.layout.v[id];
  if (melf_sys_mmap_fixed(melf_rt.text, melf_rt.text_size,
                          PROT_READ | PROT_EXEC, melf_rt.fd, v->text_off) != 0)
    return MELF_ESYS;
  if (melf_rt.rodata_size &&
      melf_sys_mmap_fixed(melf_rt.rodata, melf_rt.rodata_size, PROT_READ,
                          melf_rt.fd, v->rodata_off) != 0)
    return MELF_ESYS;
  return 0;
}

/* Common checks of a switch request (under the switch lock): 0 to go on,
 * 1 when there is nothing to do, or an error. Reports the unopened file
 * once. */
int melf_can_switch(int id) {
  if (melf_rt.status == MELF_ENOMELF)
    return id == 0 ? 1 : MELF_ENOMELF;
  if (melf_rt.status)
    return melf_rt.status;
  if (id < 0 || id >= melf_rt.nvariants)
    return MELF_EINVAL;
  if (melf_rt.nvariants == 1)
    return 1;
  if (!melf_rt.supported[id])
    return MELF_ENOTSUP;
  if (melf_rt.fd < 0) {
    if (!melf_rt.fd_reported) {
      melf_rt.fd_reported = 1;
      melf_say("cannot switch variants: %s; running the default variant",
               melf_rt.fd_why);
    }
    return MELF_ENOEXEC;
  }
  if (!fd_still_ours()) {
    melf_say("the descriptor of the executable was closed or replaced by the "
             "program; cannot map variant images");
    return MELF_ENOEXEC;
  }
  return 0;
}
