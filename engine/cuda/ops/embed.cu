// embed: one thread per output element; loop-1 rows are the plain gather.
#include "engine/cuda/check.hpp"
#include "engine/cuda/ops/device_common.cuh"
#include "engine/cuda/ops/embed.hpp"

namespace looplab::gpu {
namespace {

__global__ void embed_kernel(EmbedArgs a) {
  const std::int64_t total = a.loops * a.rows_per_loop * a.d;
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < total;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const std::int64_t row = i / a.d;  // loop-major: row = (l-1)*rows_per_loop + r
    const std::int64_t col = i % a.d;
    const std::int64_t loop0 = row / a.rows_per_loop;  // l-1
    const std::int64_t r = row % a.rows_per_loop;
    const float e = dev::to_f32(a.table[static_cast<std::int64_t>(a.tokens[r]) * a.d + col]);
    float v = e;
    if (loop0 > 0) v = a.scale_e * e + a.scale_h * a.state[((loop0 - 1) * a.rows_per_loop + r) * a.d + col];
    a.out[i] = v;
  }
}

}  // namespace

void launch_embed(const EmbedArgs& a, cudaStream_t stream) {
  const std::int64_t total = a.loops * a.rows_per_loop * a.d;
  if (total == 0) return;
  const unsigned int blocks = ceil_div_u(total, 256) < 65535u ? ceil_div_u(total, 256) : 65535u;
  embed_kernel<<<blocks, 256, 0, stream>>>(a);
  LOOPLAB_CUDA_CHECK_LAUNCH("embed_kernel");
}

}  // namespace looplab::gpu
