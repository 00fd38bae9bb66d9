// state_save: one 2-D device-to-device copy.
#include "engine/cuda/ops/state_save.hpp"

#include "engine/cuda/check.hpp"

namespace looplab::gpu {

void launch_state_save(const StateSaveArgs& a, cudaStream_t stream) {
  if (a.rows == 0 || a.d == 0) return;
  const auto row_bytes = static_cast<std::size_t>(a.d) * sizeof(float);
  LOOPLAB_CUDA_CHECK(cudaMemcpy2DAsync(a.dst, row_bytes, a.src,
                                       static_cast<std::size_t>(a.src_row_stride) * sizeof(float), row_bytes,
                                       static_cast<std::size_t>(a.rows), cudaMemcpyDeviceToDevice, stream));
}

}  // namespace looplab::gpu
