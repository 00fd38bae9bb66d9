// attn_global: maps the op's arguments onto the shared attention engine.
#include "engine/cuda/ops/attn_global.hpp"

#include "engine/cuda/ops/attention_core.hpp"

namespace looplab::gpu {
namespace {

AttentionParams to_params(const AttnGlobalArgs& a) {
  AttentionParams p;
  p.q = a.q;
  p.y = a.y;
  p.seqs = a.seqs;
  p.sets = a.sets == KvSets::one_shared ? 1 : a.loops;
  p.loops_per_set = a.sets == KvSets::one_shared ? a.loops : 1;
  p.q_per_loop = a.q_per_loop;
  p.heads = a.heads;
  p.kv_heads = a.kv_heads;
  p.head_dim = a.head_dim;
  p.position = a.position;
  p.window = std::int64_t{1} << 62;  // every earlier position
  p.kv = a.kv;
  p.splits = a.splits;
  p.partials = a.partials;
  p.partials_bytes = a.partials_bytes;
  p.epilogue = AttnEpilogue::store;
  p.max_grid_y = a.max_grid_y;
  return p;
}

}  // namespace

int attn_global_splits(const AttnGlobalArgs& a, std::int64_t max_keys, int sm_count) {
  if (a.q_per_loop > 1) return 1;  // prefill: enough blocks along the prompt
  const AttentionParams p = to_params(a);
  const std::int64_t q_in_group = p.loops_per_set * p.q_per_loop * (a.heads / a.kv_heads);
  const std::int64_t blocks = p.seqs * p.sets * a.kv_heads * ((q_in_group + kQueriesPerBlock - 1) / kQueriesPerBlock);
  return attention_splits(blocks, max_keys, sm_count);
}

std::size_t attn_global_partials_bytes(const AttnGlobalArgs& a, int splits) {
  return attention_partials_bytes(a.loops * a.seqs * a.q_per_loop, a.heads, a.head_dim, splits);
}

void launch_attn_global(const AttnGlobalArgs& a, cudaStream_t stream) { launch_attention(to_params(a), stream); }

}  // namespace looplab::gpu
