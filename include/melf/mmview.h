/*
 * melf/mmview.h - the address-space views system call, as user space sees
 * it. Compatible with the published mmview interface: one system call,
 * mmview(op, ...), x86-64 number 1000, which the series also gives it on
 * arm64. libmelf uses this header; the kernel patch series
 * (kernel/patches) installs the same values as its uapi header.
 * UNSHARE and SHARE change every view at once, also while views exist: a
 * range unshared then starts in each view as a copy of the base view's
 * mappings (docs/kernel.md).
 */
#ifndef MELF_MMVIEW_H
#define MELF_MMVIEW_H

#if defined(__x86_64__) || defined(__aarch64__)
#define MELF_SYS_MMVIEW 1000 /* arm64: past the generic table (patch 0034) */
#endif

enum melf_mmview_op {
  MMVIEW_CREATE = 0,      /* () -> new view id (ids start at 1, never reused) */
  MMVIEW_DELETE = 1,      /* (id): freed when its last thread leaves         */
  MMVIEW_CURRENT = 2,     /* () -> the calling thread's view (base is 0)    */
  MMVIEW_MIGRATE = 3,     /* (id) -> previous id; moves the calling thread   */
  MMVIEW_UNSHARE = 4,     /* (addr, len): per-view copy-on-write range       */
  MMVIEW_SHARE = 5,       /* (addr, len): shared again                       */
  MMVIEW_SWITCH_BASE = 6, /* (): the current view becomes the base           */
  MMVIEW_LOCK = 7         /* (): the calling thread stays in its view, one way */
};

#endif /* MELF_MMVIEW_H */
