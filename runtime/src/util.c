/*
 * util.c - a tiny async-signal-safe formatter (no locale, no allocation),
 * for messages written from switch paths and signal-safe contexts.
 */
#include "internal.h"
#include <stdarg.h>

size_t melf_fmt_str(char *buf, size_t cap, size_t len, const char *s) {
  if (!s)
    s = "(null)";
  while (*s && len + 1 < cap)
    buf[len++] = *s++;
  if (cap)
    buf[len < cap ? len : cap - 1] = 0;
  return len;
}

size_t melf_fmt_num(char *buf, size_t cap, size_t len, uint64_t v, int hex) {
  char tmp[24];
  int n = 0;
  unsigned base = hex ? 16 : 10;
  do {
    tmp[n++] = "0123456789abcdef"[v % base];
    v /= base;
  } while (v);
  char out[26];
  int k = 0;
  if (hex) {
    out[k++] = '0';
    out[k++] = 'x';
  }
  while (n)
    out[k++] = tmp[--n];
  out[k] = 0;
  return melf_fmt_str(buf, cap, len, out);
}

size_t melf_vfmt(char *buf, size_t cap, const char *f, va_list ap) {
  size_t len = 0;
  if (cap)
    buf[0] = 0;
  for (; *f; f++) {
    if (*f != '%') {
      char c[2] = {*f, 0};
      len = melf_fmt_str(buf, cap, len, c);
      continue;
    }
    f++;
    int lng = 0;
    while (*f == 'l' || *f == 'z') {
      lng = 1;
      f++;
    }
    switch (*f) {
    case 's':
      len = melf_fmt_str(buf, cap, len, va_arg(ap, const char *));
      break;
    case 'c': {
      char c[2] = {(char)va_arg(ap, int), 0};
      len = melf_fmt_str(buf, cap, len, c);
      break;
    }
    case 'd': {
      int64_t v = lng ? va_arg(ap, long) : va_arg(ap, int);
      if (v < 0) {
        len = melf_fmt_str(buf, cap, len, "-");
        v = -v;
      }
      len = melf_fmt_num(buf, cap, len, (uint64_t)v, 0);
      break;
    }
    case 'u':
      len = melf_fmt_num(buf, cap, len,
                         lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned),
                         0);
      break;
    case 'x':
      len = melf_fmt_num(buf, cap, len,
                         lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned),
                         1);
      break;
    case 'p':
      len = melf_fmt_num(buf, cap, len, (uintptr_t)va_arg(ap, void *), 1);
      break;
    case '%':
      len = melf_fmt_str(buf, cap, len, "%");
      break;
    default:
      len = melf_fmt_str(buf, cap, len, "?");
      if (!*f)
        return len;
    }
  }
  return len;
}

size_t melf_fmt(char *buf, size_t cap, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  size_t n = melf_vfmt(buf, cap, fmt, ap);
  va_end(ap);
  return n;
}
