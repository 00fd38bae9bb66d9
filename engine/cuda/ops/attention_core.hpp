// The attention engine behind attn_global and attn_local_gate (internal to engine/cuda/ops).
// One thread block takes one (sequence, K/V set, KV head) and up to kQueriesPerBlock query
// vectors that read that K/V: all loops that share the set times the GQA group. So a shared
// cache is read once for all L query rows and all Hq/Hkv heads of a sequence. Keys stream
// through shared memory in tiles with an online softmax; decode splits the context across
// blocks (flash-decoding) and a second kernel merges the partial results.
#pragma once
#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "engine/core/backend.hpp"
#include "engine/cuda/ops/types.hpp"

namespace looplab::gpu {

inline constexpr int kQueriesPerBlock = 16;

enum class AttnEpilogue : unsigned char {
  store,     // y = softmax(q.K^T / sqrt(dh)) . V
  gate_mix,  // y = g*attn + (1-g)*y_old with g = sigmoid(gate_w[h].q + gate_b[h]) (G-SWA)
};

struct AttentionParams {
  const bf16* q = nullptr;  // (rows, Hq, dh) rotated queries
  bf16* y = nullptr;        // (rows, Hq, dh) output (gate_mix: also the global input)
  // Row of (loop j of the op, sequence b, ri-th row of that sequence in loop j):
  //   j*seqs*q_per_loop + b*q_per_loop + ri. Rows of one sequence in one loop are consecutive
  //   positions: ri is at *position + ri.
  std::int64_t seqs = 0;
  std::int64_t sets = 1;           // K/V sets read per sequence
  std::int64_t loops_per_set = 1;  // loops of the op whose rows read one set (loops = sets*loops_per_set)
  std::int64_t q_per_loop = 1;
  int heads = 0, kv_heads = 0, head_dim = 0;
  const int* position = nullptr;  // device
  std::int64_t window = 0;        // keys [pos - window + 1, pos]; >= any position for a full cache
  KvReadView kv;
  int splits = 1;             // > 1: partials then a merge kernel
  float* partials = nullptr;  // (rows*Hq, splits, dh + 2) fp32
  std::size_t partials_bytes = 0;
  AttnEpilogue epilogue = AttnEpilogue::store;
  const float* gate_w = nullptr;  // (Hq, dh)
  const float* gate_b = nullptr;  // (Hq)
  GateOverride gate = GateOverride::none;
  // Query blocks run along grid.y, which CUDA caps at 65,535: a prefill with more (a long prompt
  // times a large GQA group) is launched in chunks, each starting at block q_block0. max_grid_y
  // lowers the cap so a test can exercise the chunking on a small shape (0: CUDA's limit).
  std::int64_t q_block0 = 0;
  std::int64_t max_grid_y = 0;
};

std::int64_t attention_rows(const AttentionParams& p);
std::size_t attention_partials_bytes(std::int64_t rows, int heads, int head_dim, int splits);
// Context splits that give about two waves of blocks on sm_count SMs, with at least
// kMinKeysPerSplit keys per split of a max_keys context.
int attention_splits(std::int64_t blocks_without_split, std::int64_t max_keys, int sm_count);
// The grid.y ranges {first block, blocks} a launch of q_blocks query blocks is cut into when
// grid.y may be at most max_y: one range when it fits, else chunks of max_y and the rest.
inline constexpr std::int64_t kMaxGridY = 65535;
std::vector<std::pair<std::int64_t, std::int64_t>> grid_y_chunks(std::int64_t q_blocks, std::int64_t max_y = kMaxGridY);
void launch_attention(const AttentionParams& p, cudaStream_t stream);

}  // namespace looplab::gpu
