// swiglu: h = silu(gate) * up, reading the fused gate_up GEMM output (rows, [gate | up]).
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>

#include "engine/cuda/ops/types.hpp"

namespace looplab::gpu {

struct SwigluArgs {
  const float* gate_up = nullptr;  // (rows, 2*ffn): columns [0, ffn) gate, [ffn, 2*ffn) up
  bf16* out = nullptr;             // (rows, ffn), the down projection's input
  std::int64_t rows = 0;
  std::int64_t ffn = 0;
};

void launch_swiglu(const SwigluArgs& a, cudaStream_t stream);

}  // namespace looplab::gpu
