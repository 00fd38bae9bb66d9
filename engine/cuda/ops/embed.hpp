// embed: gather token embeddings; in a cross-loop decode pass, rows of loop l >= 2 also get the
// saved state s(l-1) (re-injection: scale_e*E + scale_h*s).
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>

#include "engine/cuda/ops/types.hpp"

namespace looplab::gpu {

struct EmbedArgs {
  const std::int32_t* tokens = nullptr;  // (rows_per_loop) token ids, every id in [0, vocab)
  const bf16* table = nullptr;           // (vocab, d) embedding matrix
  const float* state = nullptr;          // (loops-1, rows_per_loop, d) saved s(1..L-1); unused when loops == 1
  float* out = nullptr;                  // (loops, rows_per_loop, d) residual stream, loop-major
  std::int64_t rows_per_loop = 0;        // B (decode) or B*P (prefill)
  std::int64_t loops = 1;                // 1, or L for a cross-loop decode pass
  std::int64_t d = 0;                    // hidden size
  float scale_e = 1.0f;                  // re-injection weight of E for rows of loop >= 2
  float scale_h = 1.0f;                  // re-injection weight of s(l-1)
};

void launch_embed(const EmbedArgs& a, cudaStream_t stream);

}  // namespace looplab::gpu
