// RMSNorm: one block per row, fp32 sum of squares reduced over the block.
#include "engine/cuda/check.hpp"
#include "engine/cuda/ops/device_common.cuh"
#include "engine/cuda/ops/rmsnorm.hpp"

namespace looplab::gpu {
namespace {

__global__ void rmsnorm_kernel(RmsNormArgs a) {
  __shared__ float scratch[32];
  const float* x = a.in + static_cast<std::int64_t>(blockIdx.x) * a.in_row_stride;
  bf16* y = a.out + static_cast<std::int64_t>(blockIdx.x) * a.d;
  float ss = 0.0f;
  for (std::int64_t i = threadIdx.x; i < a.d; i += blockDim.x) ss += x[i] * x[i];
  ss = dev::block_sum(ss, scratch);
  const float inv_rms = rsqrtf(ss / static_cast<float>(a.d) + a.eps);
  for (std::int64_t i = threadIdx.x; i < a.d; i += blockDim.x) y[i] = dev::to_bf16(x[i] * inv_rms * a.weight[i]);
}

}  // namespace

void launch_rmsnorm(const RmsNormArgs& a, cudaStream_t stream) {
  if (a.rows == 0) return;
  rmsnorm_kernel<<<static_cast<unsigned int>(a.rows), 256, 0, stream>>>(a);
  LOOPLAB_CUDA_CHECK_LAUNCH("rmsnorm_kernel");
}

}  // namespace looplab::gpu
