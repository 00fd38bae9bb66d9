// Stream and event owners.
#include "engine/cuda/stream.hpp"

#include "engine/cuda/check.hpp"

namespace looplab::gpu {

Stream::Stream() { LOOPLAB_CUDA_CHECK(cudaStreamCreateWithFlags(&s_, cudaStreamNonBlocking)); }
Stream::~Stream() {
  if (s_ != nullptr) LOOPLAB_CUDA_CHECK_NOTHROW(cudaStreamDestroy(s_));
}
Stream& Stream::operator=(Stream&& o) noexcept {
  if (this != &o) {
    if (s_ != nullptr) LOOPLAB_CUDA_CHECK_NOTHROW(cudaStreamDestroy(s_));
    s_ = o.s_;
    o.s_ = nullptr;
  }
  return *this;
}
void Stream::synchronize() const { LOOPLAB_CUDA_CHECK(cudaStreamSynchronize(s_)); }

Event::Event(EventTiming timing) {
  LOOPLAB_CUDA_CHECK(
      cudaEventCreateWithFlags(&e_, timing == EventTiming::enabled ? cudaEventDefault : cudaEventDisableTiming));
}
Event::~Event() {
  if (e_ != nullptr) LOOPLAB_CUDA_CHECK_NOTHROW(cudaEventDestroy(e_));
}
Event& Event::operator=(Event&& o) noexcept {
  if (this != &o) {
    if (e_ != nullptr) LOOPLAB_CUDA_CHECK_NOTHROW(cudaEventDestroy(e_));
    e_ = o.e_;
    o.e_ = nullptr;
  }
  return *this;
}
void Event::record(cudaStream_t stream) const { LOOPLAB_CUDA_CHECK(cudaEventRecord(e_, stream)); }
void Event::synchronize() const { LOOPLAB_CUDA_CHECK(cudaEventSynchronize(e_)); }

float elapsed_ms(const Event& start, const Event& stop) {
  float ms = 0.0f;
  LOOPLAB_CUDA_CHECK(cudaEventElapsedTime(&ms, start.get(), stop.get()));
  return ms;
}

}  // namespace looplab::gpu
