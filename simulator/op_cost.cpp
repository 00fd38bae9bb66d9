// Per-op FLOP and byte counts (the arithmetic the unit tests write out by hand) and the roofline
// time. Conventions: a multiply-add is 2 FLOPs; exp, divide and compare count 1 each; bytes are
// DRAM traffic in the storage dtype, reads and writes both counted.
#include "simulator/op_cost.hpp"

#include <algorithm>

#include "engine/core/error.hpp"

namespace looplab {

std::string_view to_string(Bound b) {
  switch (b) {
    case Bound::memory:
      return "memory";
    case Bound::compute:
      return "compute";
    case Bound::launch:
      return "launch";
  }
  return "?";
}

std::int64_t layer_weight_bytes(const ModelConfig& c, std::int64_t bpe) {
  const std::int64_t d = c.hidden;
  std::int64_t elems = d * c.q_dim() + 2 * d * c.kv_dim() + c.q_dim() * d  // q, k, v, o
                       + 3 * d * c.ffn                                     // gate, up, down
                       + 2 * d;                                            // two RMSNorm weights
  if (c.qk_norm) elems += 2 * c.head_dim;
  if (c.variant == Variant::plt && c.effective_loops() > 1) elems += c.heads * c.head_dim + c.heads;
  return elems * bpe;
}

CostParams make_cost_params(const ModelConfig& c, const HardwareSpec& hw, const CostOptions& opt,
                            const Calibration* cal) {
  if (cal && cal->provenance.hardware != hw.name)
    throw InputError("calibration", "was fitted on '" + cal->provenance.hardware + "', not on '" + hw.name + "'");
  CostParams p;
  const Ceiling ceiling = cal ? cal->ceiling : opt.ceiling;
  p.bytes_per_element = static_cast<double>(hw.bytes_per_element(c.dtype));
  p.peak_flops = hw.peak_flops(c.dtype).value(ceiling);
  p.bw_bytes_per_s = hw.mem_bw_bytes_per_s.value(ceiling);
  const double launch_s = hw.launch_overhead(opt.launch).value(ceiling);
  for (std::size_t k = 0; k < kOpKindCount; ++k) {
    KindFactors f;  // defaults: efficiency 1 against the chosen ceiling, the launch overhead
    if (cal) f = cal->kinds[k];
    p.s_per_flop[k] = 1.0 / (p.peak_flops * f.compute_efficiency);
    p.s_per_byte[k] = 1.0 / (p.bw_bytes_per_s * f.memory_efficiency);
    p.overhead_s[k] = f.overhead_fitted ? f.overhead_s : launch_s;
  }
  p.qk_norm = c.qk_norm;
  p.stack_weight_bytes = layer_weight_bytes(c, hw.bytes_per_element(c.dtype)) * c.layers;
  p.l2_bytes = static_cast<std::int64_t>(hw.l2_bytes.value(ceiling));
  p.stack_weights_in_l2 = p.stack_weight_bytes <= p.l2_bytes;
  return p;
}

namespace {

// Query-key pairs one sequence's rows score against one K/V set. Decode rows all see kv_len
// keys; causal prefill rows are positions 1..q and row p sees min(p, kv_len) keys (kv_len is P
// for global attention and the window for local attention).
double keys_scored(const OpDesc& op) {
  const double q = static_cast<double>(op.q_per_seq), kv = static_cast<double>(op.kv_len);
  if (!op.causal) return q * kv;
  const double m = std::min(q, kv);
  return m * (m + 1) / 2 + (q - m) * kv;
}

}  // namespace

OpCost cost_op(const OpDesc& op, const CostParams& p) {
  OpCost c;
  const double E = p.bytes_per_element;
  const double M = static_cast<double>(op.rows), N = static_cast<double>(op.n), K = static_cast<double>(op.k);
  // A weight comes from DRAM the first time a step uses it, from L2 on a later use when the stack
  // fits there. A layer's weights are first used on pass 0, except the PLT gate: loop 2 uses it
  // first (pass 1 of a prefill; a cross-loop decode has only pass 0).
  const bool later_use = op.layer >= 0 && op.pass > 0 && (op.kind != OpKind::attn_local_gate || op.loop_lo > 2);
  const double weight_scale = later_use && p.stack_weights_in_l2 ? 0.0 : 1.0;
  const double Hq = op.heads, Hkv = op.kv_heads, dh = op.head_dim;

  switch (op.kind) {
    case OpKind::qkv_proj:
    case OpKind::q_proj:
    case OpKind::kv_proj:
    case OpKind::gate_up_proj:
    case OpKind::lm_head:
      c.flops = 2 * M * N * K;
      c.weight_bytes = weight_scale * N * K * E;
      c.activation_bytes = (M * K + M * N) * E;  // read x, write y
      break;
    case OpKind::o_proj_residual:
    case OpKind::down_proj_residual:
      c.flops = 2 * M * N * K + M * N;  // GEMM + residual add
      c.weight_bytes = weight_scale * N * K * E;
      c.activation_bytes = (M * K + 2 * M * N) * E;  // read x, read residual, write y
      break;
    case OpKind::attn_norm:
    case OpKind::mlp_norm:
    case OpKind::final_norm:
      c.flops = 4 * M * N;  // square-accumulate (2), scale by rstd and by the weight (2)
      c.weight_bytes = weight_scale * N * E;
      c.activation_bytes = 2 * M * N * E;
      break;
    case OpKind::rope_kv_append: {
      const double q_elems = M * Hq * dh, k_elems = static_cast<double>(op.kv_rows) * Hkv * dh;
      c.flops = 3 * (q_elems + k_elems);  // a rotated element is 2 multiplies + 1 add
      if (p.qk_norm) {
        c.flops += 4 * (q_elems + k_elems);
        c.weight_bytes = weight_scale * 2 * dh * E;
      }
      c.activation_bytes = (2 * q_elems + 2 * k_elems) * E;  // q read + written, k and v read
      c.kv_write_bytes = 2 * k_elems * E;                    // k and v into the cache
      break;
    }
    case OpKind::attn_global:
    case OpKind::attn_local_gate: {
      // Every query head scores its keys (QK^T) and mixes the values (PV): 2 * 2 * dh per pair.
      const double pairs = static_cast<double>(op.seqs) * static_cast<double>(op.kv_sets) * keys_scored(op);
      c.flops = 4 * Hq * dh * pairs;
      // A sequence's K/V set is read once for all its q_per_seq rows and its GQA group.
      c.kv_read_bytes = static_cast<double>(op.seqs) * static_cast<double>(op.kv_sets) *
                        static_cast<double>(op.kv_len) * 2 * Hkv * dh * E;
      c.activation_bytes = 2 * M * Hq * dh * E;  // q read, output written
      if (op.kind == OpKind::attn_local_gate) {
        // gate g = sigmoid(Wg_h . q_h + bg_h): a dot of dh per head; mix g*a + (1-g)*b: 3 per element
        c.flops += M * Hq * (2 * dh + 3 * dh);
        c.activation_bytes += M * Hq * dh * E;  // reads y_global to mix into
        c.weight_bytes = weight_scale * (Hq * dh + Hq) * E;
      }
      break;
    }
    case OpKind::swiglu:
      c.flops = 4 * M * N;                 // silu(g) * u = g / (1 + exp(-g)) * u: exp, add, divide, multiply
      c.activation_bytes = 3 * M * N * E;  // read gate and up, write
      break;
    case OpKind::embed: {
      // Cross-loop decode: row l = e_i + s(l-1); the B token rows are gathered once.
      const double loops_here = static_cast<double>(op.loop_hi - op.loop_lo + 1);
      const double tokens = M / loops_here;
      c.flops = (M - tokens) * N;
      c.weight_bytes = tokens * N * E;                      // gathered embedding rows
      c.activation_bytes = ((M - tokens) * N + M * N) * E;  // saved states read, rows written
      break;
    }
    case OpKind::reinject:
      c.flops = 3 * M * N;  // a*E + b*shift(H)
      c.activation_bytes = 3 * M * N * E;
      break;
    case OpKind::state_save:
      c.activation_bytes = 2 * M * N * E;
      break;
    case OpKind::argmax:
      c.flops = M * N;                         // one compare per logit
      c.activation_bytes = M * N * E + M * 4;  // logits read, int32 token ids written
      break;
  }

  const auto k = static_cast<std::size_t>(op.kind);
  c.compute_s = c.flops * p.s_per_flop[k];
  c.memory_s = c.bytes() * p.s_per_byte[k];
  c.overhead_s = p.overhead_s[k];
  const double roof = std::max(c.compute_s, c.memory_s);
  c.time_s = roof + c.overhead_s;
  c.bound = c.overhead_s >= roof ? Bound::launch : (c.compute_s > c.memory_s ? Bound::compute : Bound::memory);
  return c;
}

}  // namespace looplab
