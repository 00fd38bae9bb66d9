// Softmax attention of a set of query vectors over a contiguous range of keys of one sequence and
// one KV head. The caller groups every query that reads the same K/V (the GQA group, and in a
// cross-loop pass the L loops reading the shared cache), so each key is read once for all.
#pragma once
#include <cstdint>
#include <vector>

namespace looplab::cpu {

// Where key t of one (sequence, KV head) lives: row (ring_tokens ? t % ring_tokens : t) of k/v,
// rows `stride` floats apart. Full caches and the prefill scratch are plain; plt rings wrap.
struct KeyView {
  const float* k = nullptr;
  const float* v = nullptr;
  std::int64_t stride = 0;
  std::int64_t ring_tokens = 0;  // 0: not a ring
  std::int64_t row(std::int64_t t) const { return ring_tokens ? t % ring_tokens : t; }
  const float* key(std::int64_t t) const { return k + row(t) * stride; }
  const float* value(std::int64_t t) const { return v + row(t) * stride; }
};

struct AttendArgs {
  const float* const* q = nullptr;  // nq query vectors of head_dim floats (post-RoPE)
  float* const* out = nullptr;      // nq output vectors of head_dim floats (overwritten)
  std::int64_t nq = 0;
  std::int64_t t_lo = 0, t_hi = 0;  // keys [t_lo, t_hi], inclusive
  std::int64_t head_dim = 0;
  float scale = 1.0f;  // 1/sqrt(head_dim)
};

// out_i = sum_t softmax_t(q_i . k_t * scale) v_t. scratch is resized to nq*(t_hi-t_lo+1) floats.
// Single-threaded: callers parallelise over (sequence, KV head) groups.
void attend(const AttendArgs& a, const KeyView& kv, std::vector<float>& scratch);

}  // namespace looplab::cpu
