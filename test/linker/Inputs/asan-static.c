__attribute__((variant("asan"))) int f(int *p) { return p[0]; }
int main(void) { int x = 0; return f(&x); }
