// attn_local_gate (plt, loops >= 2): attention over the loop's own last w keys (the ring in
// decode, this pass's K/V in prefill), then the G-SWA mix with the global result already in y:
// y = g*local + (1-g)*global, g = sigmoid(gate_w[h] . q_h + gate_b[h]) per head (or forced).
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>

#include "engine/core/backend.hpp"
#include "engine/cuda/ops/types.hpp"

namespace looplab::gpu {

struct AttnLocalGateArgs {
  const bf16* q = nullptr;      // (rows, Hq, dh) rotated queries, rows laid out as in AttnGlobalArgs
  bf16* y = nullptr;            // (rows, Hq, dh) in: global attention; out: the gated mix
  std::int64_t seqs = 0;        // B
  std::int64_t loops = 1;       // loops of the op (each reads its own K/V)
  std::int64_t q_per_loop = 1;  // 1 (decode) or P (prefill)
  int heads = 0, kv_heads = 0, head_dim = 0;
  KvReadView kv;                  // own K/V of the op's first loop; set_stride to the next loop's
  std::int64_t window = 0;        // w: keys [pos - w + 1, pos]
  const int* position = nullptr;  // device: position of each sequence's first row of this step
  const float* gate_w = nullptr;  // (Hq, dh) this layer's gate weights
  const float* gate_b = nullptr;  // (Hq)
  GateOverride gate = GateOverride::none;
};

void launch_attn_local_gate(const AttnLocalGateArgs& a, cudaStream_t stream);

}  // namespace looplab::gpu
