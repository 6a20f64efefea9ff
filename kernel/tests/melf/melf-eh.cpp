// C++ exceptions in views mode: three threads in three variants (default,
// debug, size) throw through three nested multivariant functions at the
// same moment, many times; each catches its own variant's exception with
// every destructor run. The unwinder reads the .eh_frame copy of the
// thread's own view (docs/melf-abi.md, "Unwinding"). Prints CASE lines.
#include <melf.hpp>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <pthread.h>
#include <stdexcept>

static thread_local int destroyed;
struct Guard {
  int level;
  ~Guard() { destroyed += level; }
};

[[melf::variant("debug", "size")]] __attribute__((noinline)) int level3(int x) {
  Guard g{100};
  volatile int local[8] = {x};
  if (local[0] > 0)
    throw std::runtime_error(melf_compiled_variant());
  return local[0];
}
[[melf::variant("debug", "size")]] __attribute__((noinline)) int level2(int x) {
  Guard g{10};
  volatile double pad[5] = {1.0 * x};
  return level3(x + 1) + (int)pad[0];
}
[[melf::variant("debug", "size")]] __attribute__((noinline)) int level1(int x) {
  Guard g{1};
  return level2(x * 2) + 1;
}

static std::atomic<int> ready{0};
struct Result {
  const char *variant;
  int caught = 0, wrong = 0;
};

static void *run(void *arg) {
  Result *r = static_cast<Result *>(arg);
  melf::scoped_variant v(r->variant);
  if (!v)
    return nullptr;
  ready++;
  while (ready.load() < 3)
    ;
  for (int i = 0; i < 2000; i++) {
    destroyed = 0;
    try {
      level1(i + 1);
      r->wrong++;
    } catch (const std::runtime_error &e) {
      if (std::strcmp(e.what(), r->variant) || destroyed != 111)
        r->wrong++;
      else
        r->caught++;
    }
  }
  return nullptr;
}

int main() {
  if (melf_mode() != MELF_MODE_VIEWS) {
    std::printf("CASE FAIL melf-eh/views-mode: libmelf is not in views mode\n");
    return 1;
  }
  Result res[3] = {{"default"}, {"debug"}, {"size"}};
  pthread_t t[2];
  pthread_create(&t[0], nullptr, run, &res[1]);
  pthread_create(&t[1], nullptr, run, &res[2]);
  run(&res[0]);
  pthread_join(t[0], nullptr);
  pthread_join(t[1], nullptr);
  int failed = 0;
  for (Result &r : res) {
    if (r.caught == 2000 && !r.wrong)
      std::printf("CASE PASS melf-eh/throw-through-three-levels-%s-while-others-throw\n",
                  r.variant);
    else {
      std::printf("CASE FAIL melf-eh/throw-through-three-levels-%s-while-others-throw: "
                  "%d caught, %d wrong\n", r.variant, r.caught, r.wrong);
      failed = 1;
    }
  }
  return failed;
}
