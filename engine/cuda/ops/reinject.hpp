// reinject (prefill, loop l >= 2 of a cross-loop variant): B(l) = scale_e*E + scale_h*shift(H(l-1)),
// where shift moves row p-1 of a sequence to row p and puts zeros in row 0.
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>

#include "engine/cuda/ops/types.hpp"

namespace looplab::gpu {

struct ReinjectArgs {
  const std::int32_t* tokens = nullptr;  // (B*P) prompt ids, b-major
  const bf16* table = nullptr;           // (vocab, d) embedding matrix
  const float* h_prev = nullptr;         // (B*P, d) H(l-1), the previous pass's output
  float* out = nullptr;                  // (B*P, d) B(l); must not alias h_prev
  std::int64_t seqs = 0;                 // B
  std::int64_t seq_len = 0;              // P
  std::int64_t d = 0;
  float scale_e = 1.0f;
  float scale_h = 1.0f;
};

void launch_reinject(const ReinjectArgs& a, cudaStream_t stream);

}  // namespace looplab::gpu
