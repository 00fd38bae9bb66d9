// swiglu: one thread per output element; silu(g) = g / (1 + exp(-g)).
#include "engine/cuda/check.hpp"
#include "engine/cuda/ops/device_common.cuh"
#include "engine/cuda/ops/swiglu.hpp"

namespace looplab::gpu {
namespace {

__global__ void swiglu_kernel(SwigluArgs a) {
  const std::int64_t total = a.rows * a.ffn;
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < total;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const std::int64_t row = i / a.ffn;
    const std::int64_t col = i % a.ffn;
    const float g = a.gate_up[row * 2 * a.ffn + col];
    const float u = a.gate_up[row * 2 * a.ffn + a.ffn + col];
    a.out[i] = dev::to_bf16(g / (1.0f + expf(-g)) * u);
  }
}

}  // namespace

void launch_swiglu(const SwigluArgs& a, cudaStream_t stream) {
  const std::int64_t total = a.rows * a.ffn;
  if (total == 0) return;
  const unsigned int blocks = ceil_div_u(total, 256) < 65535u ? ceil_div_u(total, 256) : 65535u;
  swiglu_kernel<<<blocks, 256, 0, stream>>>(a);
  LOOPLAB_CUDA_CHECK_LAUNCH("swiglu_kernel");
}

}  // namespace looplab::gpu
