/* Variants whose data layout or function set differs from the default. */
#ifdef BIG
long table[4];
#else
int table[4];
#endif
int add(int a, int b) { return a + b + (int)table[0]; }
int overflow(int x) { return x; }
int get_total(void) { return 0; }
const char *which(void) { return "layout"; }
#ifdef EXTRA
int only_in_variant(void) { return 3; }
#endif
