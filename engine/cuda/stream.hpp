// Move-only owners of a CUDA stream and a CUDA event (nvbench's cuda_stream/cuda_timer habit).
#pragma once
#include <cuda_runtime_api.h>

namespace looplab::gpu {

class Stream {
 public:
  Stream();  // a non-blocking stream on the current device
  ~Stream();
  Stream(Stream&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  Stream& operator=(Stream&& o) noexcept;
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  cudaStream_t get() const { return s_; }
  void synchronize() const;

 private:
  cudaStream_t s_ = nullptr;
};

enum class EventTiming : unsigned char { enabled, disabled };

class Event {
 public:
  explicit Event(EventTiming timing = EventTiming::enabled);
  ~Event();
  Event(Event&& o) noexcept : e_(o.e_) { o.e_ = nullptr; }
  Event& operator=(Event&& o) noexcept;
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

  cudaEvent_t get() const { return e_; }
  void record(cudaStream_t stream) const;
  void synchronize() const;

 private:
  cudaEvent_t e_ = nullptr;
};

// Milliseconds between two recorded (and completed) timing events.
float elapsed_ms(const Event& start, const Event& stop);

}  // namespace looplab::gpu
