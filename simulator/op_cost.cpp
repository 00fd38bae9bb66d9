// Per-op FLOP and byte counts (the arithmetic the unit tests write out by hand) and the roofline
// time. Conventions: a multiply-add is 2 FLOPs; exp, divide and compare count 1 each; bytes are
// DRAM traffic in the storage dtype, reads and writes both counted.
#include "simulator/op_cost.hpp"

#include <algorithm>
#include <memory>

#include "engine/core/error.hpp"
#include "simulator/efficiency.hpp"
#include "simulator/model_fit.hpp"

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

std::string_view to_string(CostModel m) { return m == CostModel::roofline ? "roofline" : "kernels"; }

std::optional<CostModel> parse_cost_model(std::string_view s) {
  if (s == "kernels") return CostModel::kernels;
  if (s == "roofline") return CostModel::roofline;
  return std::nullopt;
}

CostOptions parse_cost_options(const std::string& launch, const std::string& ceiling, const std::string& cost_model,
                               const std::optional<std::string>& engine, const std::string& cost_model_field) {
  CostOptions o;
  auto l = parse_launch_mode(launch);
  if (!l) throw InputError("launch", "'" + launch + "' is not one of graph, stream");
  auto c = parse_ceiling(ceiling);
  if (!c) throw InputError("ceiling", "'" + ceiling + "' is not one of achievable, measured, datasheet");
  auto m = parse_cost_model(cost_model);
  if (!m) throw InputError(cost_model_field, "'" + cost_model + "' is not one of kernels, roofline");
  o.launch = *l;
  o.ceiling = *c;
  o.model = *m;
  if (engine) o.engine = std::make_shared<const EngineProfile>(load_engine_profile(*engine));
  return o;
}

std::string CostOptions::engine_name() const {
  if (model == CostModel::roofline) return "roofline (" + std::string(to_string(launch)) + " launches)";
  return engine ? engine->name : looplab_engine_profile(launch).name;
}

EfficiencyParams prior_efficiency() { return {}; }

EfficiencyParams default_efficiency() {
  EfficiencyParams e = prior_efficiency();
  if (const auto& fit = project_fit()) {
    e.ramp_s = fit->efficiency.ramp_s;
    e.overlap = fit->efficiency.overlap;
    e.tile_alpha = fit->efficiency.tile_alpha;
  }
  return e;
}

CostParams make_cost_params(const ModelConfig& c, const HardwareSpec& hw, const CostOptions& opt,
                            const Calibration* cal, const EfficiencyParams& eff) {
  if (cal && cal->provenance.hardware != hw.name)
    throw InputError("calibration", "was fitted on '" + cal->provenance.hardware + "', not on '" + hw.name + "'");
  CostParams p;
  const Ceiling ceiling = cal ? cal->ceiling : opt.ceiling;
  p.bytes_per_element = static_cast<double>(hw.bytes_per_element(c.dtype));
  p.peak_flops = hw.peak_flops(c.dtype).value(ceiling);
  p.bw_bytes_per_s = hw.mem_bw_bytes_per_s.value(ceiling);
  const bool roofline = opt.model == CostModel::roofline;
  const EngineProfile engine = roofline     ? roofline_engine_profile(opt.launch)
                               : opt.engine ? *opt.engine
                                            : looplab_engine_profile(opt.launch);
  p.gpu_model = hw.kind == HardwareKind::gpu && !roofline;
  // The host runs its ops one after another on the CPU: one fixed cost per op, no engine.
  const LaunchMode launch = p.gpu_model ? engine.launch : opt.launch;
  const double launch_s = hw.launch_overhead(launch).value(ceiling);
  for (std::size_t k = 0; k < kOpKindCount; ++k) {
    KindFactors f;  // defaults: efficiency 1 against the chosen ceiling, the launch overhead
    if (cal) f = cal->kinds[k];
    p.s_per_flop[k] = 1.0 / (p.peak_flops * f.compute_efficiency);
    p.s_per_byte[k] = 1.0 / (p.bw_bytes_per_s * f.memory_efficiency);
    const double kernels = p.gpu_model ? engine.kernels_per_op[k] : 1.0;  // the roofline: one launch per op
    const double per_kernel_s = launch_s + (p.gpu_model ? eff.ramp_s : 0.0);
    p.overhead_s[k] = f.overhead_fitted ? f.overhead_s : kernels * per_kernel_s;
    p.host_s[k] = p.gpu_model ? kernels * engine.host_per_kernel_s.value : 0.0;
  }
  if (p.gpu_model) {
    p.sms = static_cast<std::int32_t>(hw.sm_count.value(ceiling));
    p.overlap = eff.overlap;
    p.blocks_per_sm = eff.blocks_per_sm;
    p.tile_alpha = eff.tile_alpha;
    p.attention_score_bytes = engine.attention_score_bytes.value;
    p.attention_efficiency = engine.attention_efficiency.value;
    p.decode_split_tokens = engine.decode_split_tokens;
    p.step_overhead_s = engine.step_overhead_s.value;
    p.step_overhead_per_seq_s = engine.step_overhead_per_seq_s.value;
    p.request_overhead_s = engine.request_overhead_s.value;
    if (engine.gemm_sm_bandwidth_bytes_per_s.value > 0)
      p.gemm_min_s_per_byte = 1.0 / (engine.gemm_sm_bandwidth_bytes_per_s.value * p.sms);
    if (engine.gemm_sm_flops.value > 0) p.gemm_min_s_per_flop = 1.0 / (engine.gemm_sm_flops.value * p.sms);
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

// The GPU efficiency model's op-shape terms (efficiency.hpp): GEMM tile and wave quantization on
// the compute side; attention's compute at the engine's attention efficiency, and a decode
// attention's bandwidth limited by the thread blocks it runs (sequences x KV heads x splits).
void apply_efficiency(const OpDesc& op, const CostParams& p, OpCost& c) {
  if (is_gemm(op.kind)) {
    const efficiency::TileChoice t = efficiency::gemm_tiles(static_cast<double>(op.rows), static_cast<double>(op.n),
                                                            static_cast<double>(op.k), p.sms, p.tile_alpha);
    c.compute_s *= t.factor;
    c.compute_s = std::max(c.compute_s, c.flops * p.gemm_min_s_per_flop);
    c.memory_s = std::max(c.memory_s, c.bytes() * p.gemm_min_s_per_byte);
  } else if (is_attention(op.kind)) {
    c.compute_s /= p.attention_efficiency;
    if (p.attention_score_bytes > 0) {
      const double scores = static_cast<double>(op.seqs) * static_cast<double>(std::max<std::int64_t>(1, op.kv_sets)) *
                            static_cast<double>(op.heads) * static_cast<double>(op.q_per_seq) *
                            static_cast<double>(op.kv_len);
      const double extra = scores * p.attention_score_bytes;
      c.activation_bytes += extra;
      c.memory_s += extra * p.s_per_byte[static_cast<std::size_t>(op.kind)];
    }
    if (!op.causal) {
      const std::int64_t units = op.seqs * std::max<std::int64_t>(1, op.kv_sets) * op.kv_heads;
      const std::int64_t splits = efficiency::decode_splits(units, op.kv_len, p.sms, p.decode_split_tokens);
      c.memory_s /= efficiency::parallel_fraction(static_cast<double>(units * splits), p.sms, p.blocks_per_sm);
    }
  }
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
  if (p.gpu_model) apply_efficiency(op, p, c);
  c.overhead_s = p.overhead_s[k];
  c.host_s = p.host_s[k];
  const double roof =
      p.gpu_model ? efficiency::overlapped(c.compute_s, c.memory_s, p.overlap) : std::max(c.compute_s, c.memory_s);
  c.time_s = roof + c.overhead_s;
  c.bound = c.overhead_s >= roof ? Bound::launch : (c.compute_s > c.memory_s ? Bound::compute : Bound::memory);
  return c;
}

}  // namespace looplab
