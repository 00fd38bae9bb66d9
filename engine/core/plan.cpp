// plan_step: the op sequence of one step for every variant (docs/model.md, "The five variants"
// and "Cost of one decode step (memory-bound regime)").
#include "engine/core/plan.hpp"

#include <algorithm>

#include "engine/core/checked.hpp"
#include "engine/core/error.hpp"

namespace looplab {

std::string_view to_string(Phase p) { return p == Phase::prefill ? "prefill" : "decode"; }

std::string_view to_string(OpKind k) {
  switch (k) {
    case OpKind::embed:
      return "embed";
    case OpKind::reinject:
      return "reinject";
    case OpKind::attn_norm:
      return "attn_norm";
    case OpKind::qkv_proj:
      return "qkv_proj";
    case OpKind::q_proj:
      return "q_proj";
    case OpKind::kv_proj:
      return "kv_proj";
    case OpKind::rope_kv_append:
      return "rope_kv_append";
    case OpKind::attn_global:
      return "attn_global";
    case OpKind::attn_local_gate:
      return "attn_local_gate";
    case OpKind::o_proj_residual:
      return "o_proj_residual";
    case OpKind::mlp_norm:
      return "mlp_norm";
    case OpKind::gate_up_proj:
      return "gate_up_proj";
    case OpKind::swiglu:
      return "swiglu";
    case OpKind::down_proj_residual:
      return "down_proj_residual";
    case OpKind::state_save:
      return "state_save";
    case OpKind::final_norm:
      return "final_norm";
    case OpKind::lm_head:
      return "lm_head";
    case OpKind::argmax:
      return "argmax";
  }
  return "?";
}

bool is_gemm(OpKind k) {
  return k == OpKind::qkv_proj || k == OpKind::q_proj || k == OpKind::kv_proj || k == OpKind::o_proj_residual ||
         k == OpKind::gate_up_proj || k == OpKind::down_proj_residual || k == OpKind::lm_head;
}
bool is_attention(OpKind k) { return k == OpKind::attn_global || k == OpKind::attn_local_gate; }

std::string_view to_string(KvSource s) {
  switch (s) {
    case KvSource::none:
      return "none";
    case KvSource::own_loop:
      return "own_loop";
    case KvSource::shared:
      return "shared";
  }
  return "?";
}

std::string op_name(const OpDesc& op) {
  std::string loops = op.loop_lo == op.loop_hi
                          ? "loop" + std::to_string(op.loop_lo)
                          : "loops" + std::to_string(op.loop_lo) + "-" + std::to_string(op.loop_hi);
  std::string kind(to_string(op.kind));
  if (op.layer >= 0) return "layer" + std::to_string(op.layer) + "." + loops + "." + kind;
  if (op.kind == OpKind::reinject || op.kind == OpKind::state_save) return loops + "." + kind;
  return kind;
}

std::string describe(const OpDesc& o) {
  auto i = [](std::int64_t v) { return std::to_string(v); };
  return op_name(o) + "{pass " + i(o.pass) + " rows " + i(o.rows) + " n " + i(o.n) + " k " + i(o.k) + " seqs " +
         i(o.seqs) + " q_per_seq " + i(o.q_per_seq) + " kv_rows " + i(o.kv_rows) + " kv_len " + i(o.kv_len) +
         " kv_sets " + i(o.kv_sets) + " kv " + std::string(to_string(o.kv)) + (o.causal ? " causal" : "") + "}";
}

namespace {

OpDesc make(OpKind kind, std::int32_t layer, std::int32_t lo, std::int32_t hi, std::int32_t pass, std::int64_t rows,
            std::int64_t n, std::int64_t k = 0) {
  OpDesc op;
  op.kind = kind;
  op.layer = layer;
  op.loop_lo = lo;
  op.loop_hi = hi;
  op.pass = pass;
  op.rows = rows;
  op.n = n;
  op.k = k;
  return op;
}

}  // namespace

void plan_layer(const ModelConfig& c, const StepShape& s, std::int32_t layer, std::int32_t lo, std::int32_t hi,
                std::int32_t pass, std::vector<OpDesc>& out) {
  const Variant v = c.variant;
  const bool prefill = s.phase == Phase::prefill;
  const std::int64_t B = s.batch;
  const std::int64_t loops_here = hi - lo + 1;
  const std::int64_t rows_per_loop = prefill ? B * s.context_len : B;
  const std::int64_t M = rows_per_loop * loops_here;
  const std::int64_t d = c.hidden, qd = c.q_dim(), kvd = c.kv_dim();

  // Rows of loops >= 2 of a KV-sharing variant need no K/V of their own, except plt's window.
  const bool loop1_here = lo == 1;
  const bool later_need_kv = !(v == Variant::clp_share);
  const std::int64_t kv_rows = later_need_kv ? M : (loop1_here ? rows_per_loop : 0);

  out.push_back(make(OpKind::attn_norm, layer, lo, hi, pass, M, d));
  if (kv_rows == M) {
    out.push_back(make(OpKind::qkv_proj, layer, lo, hi, pass, M, qd + 2 * kvd, d));
  } else {
    out.push_back(make(OpKind::q_proj, layer, lo, hi, pass, M, qd, d));
    if (kv_rows > 0) out.push_back(make(OpKind::kv_proj, layer, 1, 1, pass, kv_rows, 2 * kvd, d));
  }

  OpDesc rope = make(OpKind::rope_kv_append, layer, lo, hi, pass, M, c.head_dim);
  rope.kv_rows = kv_rows;
  rope.seqs = B;
  rope.heads = static_cast<std::int32_t>(c.heads);
  rope.kv_heads = static_cast<std::int32_t>(c.kv_heads);
  rope.head_dim = static_cast<std::int32_t>(c.head_dim);
  rope.kv = kv_rows > 0 ? KvSource::own_loop : KvSource::none;  // rows write their own loop's cache
  out.push_back(rope);

  OpDesc att = make(OpKind::attn_global, layer, lo, hi, pass, M, qd);
  att.seqs = B;
  att.heads = rope.heads;
  att.kv_heads = rope.kv_heads;
  att.head_dim = rope.head_dim;
  att.kv_len = s.context_len;
  att.causal = prefill;
  if (shares_kv(v) && hi > 1) {
    // All L query rows of a sequence read loop 1's cache once.
    att.kv = KvSource::shared;
    att.kv_sets = 1;
    att.q_per_seq = (prefill ? s.context_len : 1) * loops_here;
  } else {
    att.kv = KvSource::own_loop;
    att.kv_sets = loops_here;
    att.q_per_seq = prefill ? s.context_len : 1;
  }
  out.push_back(att);

  if (v == Variant::plt && hi >= 2) {
    const std::int32_t llo = std::max<std::int32_t>(lo, 2);
    OpDesc loc = make(OpKind::attn_local_gate, layer, llo, hi, pass, rows_per_loop * (hi - llo + 1), qd);
    loc.seqs = B;
    loc.heads = att.heads;
    loc.kv_heads = att.kv_heads;
    loc.head_dim = att.head_dim;
    loc.kv_len = std::min(s.context_len, c.window);
    loc.kv_sets = hi - llo + 1;
    loc.q_per_seq = prefill ? s.context_len : 1;
    loc.kv = KvSource::own_loop;
    loc.causal = prefill;
    out.push_back(loc);
  }

  out.push_back(make(OpKind::o_proj_residual, layer, lo, hi, pass, M, d, qd));
  out.push_back(make(OpKind::mlp_norm, layer, lo, hi, pass, M, d));
  out.push_back(make(OpKind::gate_up_proj, layer, lo, hi, pass, M, 2 * c.ffn, d));
  out.push_back(make(OpKind::swiglu, layer, lo, hi, pass, M, c.ffn));
  out.push_back(make(OpKind::down_proj_residual, layer, lo, hi, pass, M, d, c.ffn));
}

StepPlan plan_step(const ModelConfig& c, const StepShape& s) {
  validate(c);
  if (s.batch < 1) throw InputError("batch", std::to_string(s.batch) + " must be >= 1");
  if (s.context_len < 1) throw InputError("context", std::to_string(s.context_len) + " must be >= 1");
  // Rows times the widest row (the logits, the MLP, the KV of all positions), in 8-byte elements:
  // every activation and KV byte count of this step fits 64 bits, so no product wraps.
  const std::int64_t widest = std::max({c.vocab, 2 * c.ffn, 3 * c.hidden, c.heads * c.head_dim});
  check_product_fits("batch", {s.batch, s.phase == Phase::prefill ? s.context_len : 1, c.effective_loops(), widest, 8});
  check_product_fits("context",
                     {s.batch, s.context_len, c.effective_loops(), c.layers, 2 * c.kv_heads * c.head_dim, 8});

  StepPlan plan;
  plan.shape = s;
  plan.variant = c.variant;
  const auto L = static_cast<std::int32_t>(c.effective_loops());
  plan.loops = L;
  const std::int64_t B = s.batch, d = c.hidden;
  const bool prefill = s.phase == Phase::prefill;
  const std::int64_t rows_per_loop = prefill ? B * s.context_len : B;
  const auto N = static_cast<std::int32_t>(c.layers);
  auto& ops = plan.ops;
  ops.reserve(static_cast<std::size_t>(N * 12 * (prefill || !is_cross_loop(c.variant) ? L : 1) + 8));

  auto stack = [&](std::int32_t lo, std::int32_t hi, std::int32_t pass) {
    for (std::int32_t layer = 0; layer < N; ++layer) plan_layer(c, s, layer, lo, hi, pass, ops);
  };

  const bool one_pass = !prefill && is_cross_loop(c.variant) && L > 1;
  if (one_pass) {
    // Decode with cross-loop parallelism: loop l of this token beside loop l+1 of the last one.
    ops.push_back(make(OpKind::embed, -1, 1, L, 0, B * L, d));
    stack(1, L, 0);
    ops.push_back(make(OpKind::state_save, -1, 1, L - 1, 0, B * (L - 1), d));
    plan.passes = 1;
  } else {
    // Vanilla and looped (prefill or decode), and the full-sequence form of the CLP variants:
    // L dependent passes, each over the previous loop's output.
    ops.push_back(make(OpKind::embed, -1, 1, 1, 0, rows_per_loop, d));
    for (std::int32_t l = 1; l <= L; ++l) {
      if (l > 1 && is_cross_loop(c.variant)) ops.push_back(make(OpKind::reinject, -1, l, l, l - 1, rows_per_loop, d));
      stack(l, l, l - 1);
      if (prefill && is_cross_loop(c.variant) && l < L) ops.push_back(make(OpKind::state_save, -1, l, l, l - 1, B, d));
    }
    plan.passes = L;
  }
  const std::int32_t last = plan.passes - 1;
  ops.push_back(make(OpKind::final_norm, -1, L, L, last, B, d));
  ops.push_back(make(OpKind::lm_head, -1, L, L, last, B, c.vocab, d));
  ops.push_back(make(OpKind::argmax, -1, L, L, last, B, c.vocab));
  return plan;
}

}  // namespace looplab
