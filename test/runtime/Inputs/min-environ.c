/* A preloaded library whose constructor changes the environment before the
 * executable's constructors run (min-environ.test): unsetenv on the
 * initial environment moves its entries and its NULL up in place, setenv
 * then replaces the array (environ points to the heap). MELF_TEST_UNSET
 * names one more variable to remove. */
#include <stdlib.h>

__attribute__((constructor)) static void change_environment(void) {
  const char *more = getenv("MELF_TEST_UNSET");
  if (more)
    unsetenv(more);
  unsetenv("MELF_TEST_FIRST");
  setenv("MELF_TEST_NEW", "1", 1);
}
