// RMSNorm (attn_norm, mlp_norm, final_norm): y = x / sqrt(mean(x^2) + eps) * weight, fp32 in,
// bf16 out (the next GEMM's input). The input row stride lets final_norm pick the rows that
// produce logits (e.g. the last prompt position of every sequence) without a copy.
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>

#include "engine/cuda/ops/types.hpp"

namespace looplab::gpu {

struct RmsNormArgs {
  const float* in = nullptr;       // row r at in + r*in_row_stride, d elements
  std::int64_t in_row_stride = 0;  // elements, >= d
  const float* weight = nullptr;   // (d)
  bf16* out = nullptr;             // (rows, d) contiguous
  std::int64_t rows = 0;
  std::int64_t d = 0;
  float eps = 1e-5f;
};

void launch_rmsnorm(const RmsNormArgs& a, cudaStream_t stream);

}  // namespace looplab::gpu
