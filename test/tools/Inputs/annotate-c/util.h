#ifndef UTIL_H
#define UTIL_H
static inline int util_header_hot(int x) { return x + 1; }
int util_scale(int x);
#endif
