// The Tracer interface: a StepObserver that records a capture window. HostTracer times steps and
// plan ops with the steady clock (the CPU backend); CuptiTracer adds the device activity of the
// CUDA backend. Buffers are sized in begin_window(), before the measured steps run.
#pragma once
#include <cstddef>
#include <string_view>

#include "engine/core/observer.hpp"
#include "profiler/activity.hpp"

namespace looplab::profiler {

enum class TracerKind : unsigned char { host, cupti };
std::string_view to_string(TracerKind k);

class Tracer : public StepObserver {
 public:
  virtual TracerKind kind() const = 0;
  // Starts a window: clears what the last one held and reserves room for max_steps steps and
  // max_ops op spans so that recording does not allocate.
  virtual void begin_window(std::size_t max_steps, std::size_t max_ops) = 0;
  // Ends the window and hands over what it recorded (steady-clock nanoseconds).
  virtual Capture end_window() = 0;
};

// Steady-clock nanoseconds: the one clock every span of a capture uses.
std::int64_t steady_now_ns();

}  // namespace looplab::profiler
