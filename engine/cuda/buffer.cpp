// Device and pinned buffer owners.
#include "engine/cuda/buffer.hpp"

#include <cuda_runtime_api.h>

#include "engine/cuda/check.hpp"

namespace looplab::gpu {

DeviceBuffer::DeviceBuffer(std::size_t bytes) : bytes_(bytes) {
  if (bytes > 0) LOOPLAB_CUDA_CHECK(cudaMalloc(&p_, bytes));
}
DeviceBuffer::~DeviceBuffer() { reset(); }
void DeviceBuffer::reset() noexcept {
  if (p_ != nullptr) LOOPLAB_CUDA_CHECK_NOTHROW(cudaFree(p_));
  p_ = nullptr;
  bytes_ = 0;
}
DeviceBuffer& DeviceBuffer::operator=(DeviceBuffer&& o) noexcept {
  if (this != &o) {
    reset();
    p_ = o.p_;
    bytes_ = o.bytes_;
    o.p_ = nullptr;
    o.bytes_ = 0;
  }
  return *this;
}

PinnedBuffer::PinnedBuffer(std::size_t bytes) : bytes_(bytes) {
  if (bytes > 0) LOOPLAB_CUDA_CHECK(cudaMallocHost(&p_, bytes));
}
PinnedBuffer::~PinnedBuffer() { reset(); }
void PinnedBuffer::reset() noexcept {
  if (p_ != nullptr) LOOPLAB_CUDA_CHECK_NOTHROW(cudaFreeHost(p_));
  p_ = nullptr;
  bytes_ = 0;
}
PinnedBuffer& PinnedBuffer::operator=(PinnedBuffer&& o) noexcept {
  if (this != &o) {
    reset();
    p_ = o.p_;
    bytes_ = o.bytes_;
    o.p_ = nullptr;
    o.bytes_ = 0;
  }
  return *this;
}

}  // namespace looplab::gpu
