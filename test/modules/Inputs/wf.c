// A whole-file variant library: every function has a "trace" variant.
const char *wf_which(void) {
#ifdef MELF_TRACE
  return "trace";
#else
  return "default";
#endif
}
int wf_twice(int x) { return 2 * x; }
