// reinject: one thread per output element; out-of-place because row p reads row p-1.
#include "engine/cuda/check.hpp"
#include "engine/cuda/ops/device_common.cuh"
#include "engine/cuda/ops/reinject.hpp"

namespace looplab::gpu {
namespace {

__global__ void reinject_kernel(ReinjectArgs a) {
  const std::int64_t total = a.seqs * a.seq_len * a.d;
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < total;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const std::int64_t row = i / a.d;  // b*P + p
    const std::int64_t col = i % a.d;
    const std::int64_t p = row % a.seq_len;
    const float e = dev::to_f32(a.table[static_cast<std::int64_t>(a.tokens[row]) * a.d + col]);
    const float shifted = p > 0 ? a.h_prev[(row - 1) * a.d + col] : 0.0f;
    a.out[i] = a.scale_e * e + a.scale_h * shifted;
  }
}

}  // namespace

void launch_reinject(const ReinjectArgs& a, cudaStream_t stream) {
  const std::int64_t total = a.seqs * a.seq_len * a.d;
  if (total == 0) return;
  const unsigned int blocks = ceil_div_u(total, 256) < 65535u ? ceil_div_u(total, 256) : 65535u;
  reinject_kernel<<<blocks, 256, 0, stream>>>(a);
  LOOPLAB_CUDA_CHECK_LAUNCH("reinject_kernel");
}

}  // namespace looplab::gpu
