// attn_global: attention over a full cache. Decode: the new token of every row against keys
// [0, pos]; a shared cache (clp_share, plt) is read once for all loops' rows and the whole GQA
// group. Prefill: causal over the prompt. Long contexts are split across blocks and merged.
#pragma once
#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>

#include "engine/cuda/ops/types.hpp"

namespace looplab::gpu {

enum class KvSets : unsigned char {
  one_shared,  // every loop of the op reads the same cache (loop 1's)
  per_loop,    // loop j of the op reads its own cache, kv.at.set_stride after loop j-1's
};

struct AttnGlobalArgs {
  const bf16* q = nullptr;      // (rows, Hq, dh) rotated queries; rows = loops*seqs*q_per_loop,
                                // row j*seqs*q_per_loop + b*q_per_loop + ri (loop j, sequence b)
  bf16* y = nullptr;            // (rows, Hq, dh) output
  std::int64_t seqs = 0;        // B
  std::int64_t loops = 1;       // loops whose rows the op covers
  std::int64_t q_per_loop = 1;  // 1 (decode) or P (prefill, row ri at position ri)
  KvSets sets = KvSets::per_loop;
  int heads = 0, kv_heads = 0, head_dim = 0;
  KvReadView kv;                  // cache of the op's first loop, (B, Hkv, slots, dh) per layer
  const int* position = nullptr;  // device: position of each sequence's first row of this step
  int splits = 1;                 // context splits (attn_global_splits); 1 for prefill
  float* partials = nullptr;      // workspace of attn_global_partials_bytes() when splits > 1
  std::size_t partials_bytes = 0;
  std::int64_t max_grid_y = 0;  // tests only: a lower grid.y cap to exercise chunked launches (0: CUDA's)
};

// Splits for a decode over up to max_keys keys: chosen once per shape so a captured graph stays
// valid while the context grows (each split takes its share of the keys present at run time).
int attn_global_splits(const AttnGlobalArgs& a, std::int64_t max_keys, int sm_count);
std::size_t attn_global_partials_bytes(const AttnGlobalArgs& a, int splits);
void launch_attn_global(const AttnGlobalArgs& a, cudaStream_t stream);

}  // namespace looplab::gpu
