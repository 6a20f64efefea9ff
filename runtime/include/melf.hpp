// melf.hpp - C++ helpers on top of melf.h (header-only).
//
//   {
//     melf::scoped_variant guard("debug");   // this thread runs 'debug' ...
//     if (!guard) log(guard.error_message());
//     work();
//   }                                        // ... and its old variant again
//
// The guard switches the calling thread (melf_switch_thread) and restores
// the variant it ran before when it goes out of scope. A failed switch
// leaves the thread as it was; the guard then restores nothing. Do not
// create a guard inside a multivariant function: returning into it after
// the switch would run another variant's bytes (MELF_CHECK=1 refuses that).
#ifndef MELF_HPP
#define MELF_HPP

#include <melf.h>

namespace melf {

class scoped_variant {
public:
  explicit scoped_variant(int id) noexcept : prev_(melf_current_variant()) {
    err_ = melf_switch_thread(id);
  }
  explicit scoped_variant(const char *name) noexcept
      : prev_(melf_current_variant()) {
    int id = melf_variant_find(name);
    err_ = id < 0 ? id : melf_switch_thread(id);
  }
  ~scoped_variant() {
    if (err_ == 0)
      (void)melf_switch_thread(prev_);
  }
  scoped_variant(const scoped_variant &) = delete;
  scoped_variant &operator=(const scoped_variant &) = delete;

  // True if the switch happened.
  explicit operator bool() const noexcept { return err_ == 0; }
  // 0 or the MELF_E* code of the failed switch.
  int error() const noexcept { return err_; }
  const char *error_message() const noexcept { return melf_strerror(err_); }
  // The variant restored at the end of the scope.
  int previous() const noexcept { return prev_; }

private:
  int prev_;
  int err_;
};

// Thin wrappers.
inline int variant_count() noexcept { return melf_variant_count(); }
inline const char *variant_name(int id) noexcept { return melf_variant_name(id); }
inline int variant_find(const char *name) noexcept { return melf_variant_find(name); }
inline int current_variant() noexcept { return melf_current_variant(); }
inline int best_variant() noexcept { return melf_best_variant(); }

} // namespace melf

#endif // MELF_HPP
