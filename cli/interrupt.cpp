// InterruptGuard: SIGINT and SIGTERM handlers that only set a flag.
#include "cli/interrupt.hpp"

#include <csignal>

namespace looplab::cli {

namespace {
std::atomic<bool> g_interrupted{false};
struct sigaction g_previous_int {};
struct sigaction g_previous_term {};
extern "C" void on_signal(int) { g_interrupted.store(true); }
}  // namespace

InterruptGuard::InterruptGuard() {
  g_interrupted.store(false);
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;  // a second signal gets the default action: the process ends
  sigaction(SIGINT, &sa, &g_previous_int);
  sigaction(SIGTERM, &sa, &g_previous_term);
}

InterruptGuard::~InterruptGuard() {
  sigaction(SIGINT, &g_previous_int, nullptr);
  sigaction(SIGTERM, &g_previous_term, nullptr);
}

const std::atomic<bool>& InterruptGuard::flag() const { return g_interrupted; }

}  // namespace looplab::cli
