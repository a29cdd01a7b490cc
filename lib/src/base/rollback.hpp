// Undo steps for multi-step changes: each step that succeeds registers how
// to undo itself; unless commit() is called, the guard runs them in reverse.
#pragma once

#include <functional>
#include <utility>
#include <vector>

namespace netlab::lab {

class Rollback {
 public:
  Rollback() = default;
  Rollback(const Rollback&) = delete;
  Rollback& operator=(const Rollback&) = delete;
  ~Rollback() {
    if (committed_) return;
    for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) (*it)();
  }
  void on_failure(std::function<void()> undo) { undo_.push_back(std::move(undo)); }
  void commit() noexcept { committed_ = true; }

 private:
  std::vector<std::function<void()>> undo_;
  bool committed_ = false;
};

}  // namespace netlab::lab
