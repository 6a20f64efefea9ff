/* A multivariant function that reaches a global through ADRP/ADD and
 * calls nothing. */
int g = 42;
__attribute__((variant("debug", "armv8-2-a"))) int get(void) { return g; }
int main(void) { return get() == 42 ? 0 : 1; }
