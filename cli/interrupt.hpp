// Ctrl-C and SIGTERM while measuring: the first sets a flag (the run stops after the current
// step and is stored as interrupted), a second one ends the process at once (the run then stays
// marked running: incomplete).
#pragma once
#include <atomic>

namespace looplab::cli {

class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
  const std::atomic<bool>& flag() const;
};

// Exit status of a command whose run was interrupted (128 + SIGINT, also after SIGTERM).
inline constexpr int kInterruptedExit = 130;

}  // namespace looplab::cli
