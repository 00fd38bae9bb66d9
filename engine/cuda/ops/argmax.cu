// argmax: one block per row; (value, id) pairs reduced with "larger value, then smaller id" so
// the result does not depend on the reduction order. NaN logits never win.
#include <cfloat>

#include "engine/cuda/check.hpp"
#include "engine/cuda/ops/argmax.hpp"
#include "engine/cuda/ops/device_common.cuh"

namespace looplab::gpu {
namespace {

constexpr int kThreads = 1024;

__device__ __forceinline__ bool better(float v, std::int64_t i, float bv, std::int64_t bi) {
  return v > bv || (v == bv && i < bi);
}

__global__ void argmax_kernel(ArgmaxArgs a) {
  __shared__ float sv[kThreads / 32];
  __shared__ std::int64_t si[kThreads / 32];
  const float* x = a.logits + static_cast<std::int64_t>(blockIdx.x) * a.vocab;
  float bv = -INFINITY;
  std::int64_t bi = a.vocab;  // "none yet": loses every tie against a real id
  for (std::int64_t i = threadIdx.x; i < a.vocab; i += blockDim.x) {
    const float v = x[i];
    if (better(v, i, bv, bi)) {  // false for NaN
      bv = v;
      bi = i;
    }
  }
  for (int o = 16; o > 0; o >>= 1) {
    const float ov = __shfl_xor_sync(0xffffffffu, bv, o);
    const std::int64_t oi = __shfl_xor_sync(0xffffffffu, bi, o);
    if (better(ov, oi, bv, bi)) {
      bv = ov;
      bi = oi;
    }
  }
  const int lane = static_cast<int>(threadIdx.x) & 31, warp = static_cast<int>(threadIdx.x) >> 5;
  if (lane == 0) {
    sv[warp] = bv;
    si[warp] = bi;
  }
  __syncthreads();
  if (threadIdx.x == 0) {
    for (int w = 1; w < static_cast<int>(blockDim.x) / 32; ++w)
      if (better(sv[w], si[w], bv, bi)) {
        bv = sv[w];
        bi = si[w];
      }
    // Every logit NaN (or -inf everywhere with vocab ids unset): fall back to id 0.
    a.tokens[blockIdx.x] = static_cast<std::int32_t>(bi < a.vocab ? bi : 0);
  }
}

}  // namespace

void launch_argmax(const ArgmaxArgs& a, cudaStream_t stream) {
  if (a.rows == 0) return;
  argmax_kernel<<<static_cast<unsigned int>(a.rows), kThreads, 0, stream>>>(a);
  LOOPLAB_CUDA_CHECK_LAUNCH("argmax_kernel");
}

}  // namespace looplab::gpu
