// The skinny GEMM of the fused decode path: y(m, n) [+]= x(m, k) . w(n, k)^T for m <= 16 rows
// (decode at batch B or B*L rows), the same contract as GemmRunner::run. One warp per output
// column streams that column's weight row once with 16-byte loads and keeps m fp32 sums: the
// weights, which dominate the bytes, are read exactly once and no tile is padded. Not yet the
// default: the reference path (cuBLASLt) stays until a device has shown this one correct and
// faster (docs/cuda.md).
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>

#include "engine/cuda/ops/gemm.hpp"

namespace looplab::gpu {

inline constexpr std::int64_t kGemvMaxRows = 16;
inline constexpr int kGemvWarpsPerBlock = 8;  // output columns per block

// True when launch_gemv can run `a`: 1 <= m <= kGemvMaxRows, k and the x row stride multiples of
// 8 elements, x and w 16-byte aligned (a row is read as 16-byte vectors).
bool gemv_supported(const GemmArgs& a);
// Throws std::invalid_argument when !gemv_supported(a).
void launch_gemv(const GemmArgs& a, cudaStream_t stream);

}  // namespace looplab::gpu
