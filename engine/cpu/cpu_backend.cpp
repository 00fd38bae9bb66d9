// CpuBackend: weights and buffers, the step lifecycle, op dispatch, and the ops that are not
// attention (embed, re-injection, norms, GEMMs, SwiGLU, saved states, head, argmax).
#include "engine/cpu/cpu_backend.hpp"

#include <omp.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "engine/core/error.hpp"
#include "engine/core/step_rows.hpp"
#include "engine/cpu/elementwise.hpp"
#include "engine/cpu/matmul.hpp"
#include "engine/cpu/rmsnorm.hpp"

namespace looplab {
namespace {

// Copies tensors into the arena back to back, or (sizing pass, arena null) only counts them.
class ArenaFill {
 public:
  ArenaFill(const Weights& w, cpu::WeightArena* arena) : w_(w), arena_(arena) {}
  std::span<const float> operator()(std::initializer_list<std::string> names) {
    std::size_t n = 0;
    for (const auto& name : names) n += w_.at(name).data.size();
    floats += n;
    if (!arena_) return {};
    std::span<float> out = arena_->take(n);
    float* p = out.data();
    for (const auto& name : names) p = std::copy(w_.at(name).data.begin(), w_.at(name).data.end(), p);
    return out;
  }
  std::size_t floats = 0;

 private:
  const Weights& w_;
  cpu::WeightArena* arena_;
};

// Sets OpenMP's thread count for one op's parallel regions and restores the caller's after it:
// the backend's choice must not leak into other code on the calling thread.
class OmpThreadScope {
 public:
  explicit OmpThreadScope(int threads) : saved_(omp_get_max_threads()) { omp_set_num_threads(threads); }
  ~OmpThreadScope() { omp_set_num_threads(saved_); }
  OmpThreadScope(const OmpThreadScope&) = delete;
  OmpThreadScope& operator=(const OmpThreadScope&) = delete;

 private:
  int saved_;
};

}  // namespace

bool CpuBackend::supports_op(const OpDesc& op) const {
  return static_cast<int>(op.kind) < kOpKindCount && op.rows <= max_rows_;
}

void CpuBackend::prepare(const ModelConfig& config, const Weights& weights, const KvLayout& layout,
                         std::int64_t max_rows) {
  validate(config);
  check_weights(config, weights);
  if (layout.bytes_per_element != kv_bytes_per_element())
    throw std::invalid_argument("CpuBackend stores fp32 KV: layout must use 4 bytes per element");
  thread_choice_ = choose_cpu_threads(policy_);
  config_ = config;
  d_ = config.hidden;
  qd_ = config.q_dim();
  kvd_ = config.kv_dim();
  ld_qkv_ = qd_ + 2 * kvd_;
  ffn_ = config.ffn;
  vocab_ = config.vocab;
  loops_ = config.effective_loops();
  batch_ = layout.batch;
  max_rows_ = max_rows;

  // All weights in one arena (weight_arena.hpp): a sizing pass, then the copying pass.
  auto load = [&](ArenaFill& take) {
    layers_.assign(static_cast<std::size_t>(config.layers), Layer{});
    for (std::int64_t i = 0; i < config.layers; ++i) {
      auto n = [&](std::string_view suffix) { return layer_tensor_name(i, suffix); };
      Layer& L = layers_[static_cast<std::size_t>(i)];
      L.attn_norm = take({n("input_layernorm.weight")});
      L.wqkv = take({n("self_attn.q_proj.weight"), n("self_attn.k_proj.weight"), n("self_attn.v_proj.weight")});
      L.wo = take({n("self_attn.o_proj.weight")});
      if (config.qk_norm) {
        L.q_norm = take({n("self_attn.q_norm.weight")});
        L.k_norm = take({n("self_attn.k_norm.weight")});
      }
      if (config.variant == Variant::plt) {
        L.gate_w = take({n("self_attn.gate.weight")});
        L.gate_b = take({n("self_attn.gate.bias")});
      }
      L.mlp_norm = take({n("post_attention_layernorm.weight")});
      L.w_gate_up = take({n("mlp.gate_proj.weight"), n("mlp.up_proj.weight")});
      L.w_down = take({n("mlp.down_proj.weight")});
    }
    embed_ = take({"model.embed_tokens.weight"});
    norm_ = take({"model.norm.weight"});
    lm_head_ = config.tied_embeddings ? std::span<const float>{} : take({"lm_head.weight"});
  };
  ArenaFill count(weights, nullptr);
  load(count);
  arena_.reset(count.floats);
  ArenaFill fill(weights, &arena_);
  load(fill);

  // The KV buffers, exactly as the layout says (its byte counts are what kv_bytes_allocated reports).
  stores_.clear();
  store_of_loop_.assign(static_cast<std::size_t>(loops_ + 1), -1);
  const std::int64_t per_token = config.layers * kvd_;  // floats of K (or V) per token per sequence
  for (const KvBuffer& b : layout.buffers) {
    KvStore s;
    s.kind = b.kind;
    s.loop = b.loop;
    s.tokens = b.tokens;
    s.k.assign(static_cast<std::size_t>(per_token * b.tokens * batch_), 0.0f);
    s.v.assign(s.k.size(), 0.0f);
    store_of_loop_[static_cast<std::size_t>(b.loop)] = static_cast<std::int32_t>(stores_.size());
    stores_.push_back(std::move(s));
  }
  rope_ = cpu::RopeTable(layout.capacity_tokens, config.head_dim, config.rope_theta);

  const auto rows = static_cast<std::size_t>(max_rows);
  x_.assign(rows * static_cast<std::size_t>(d_), 0.0f);
  emb_.assign(x_.size(), 0.0f);
  xn_.assign(x_.size(), 0.0f);
  qkv_.assign(rows * static_cast<std::size_t>(ld_qkv_), 0.0f);
  y_.assign(rows * static_cast<std::size_t>(qd_), 0.0f);
  gu_.assign(rows * static_cast<std::size_t>(2 * ffn_), 0.0f);
  act_.assign(rows * static_cast<std::size_t>(ffn_), 0.0f);
  fn_.assign(static_cast<std::size_t>(batch_ * d_), 0.0f);
  logits_.assign(static_cast<std::size_t>(batch_ * vocab_), 0.0f);
  tokens_out_.assign(static_cast<std::size_t>(batch_), 0);
  reset_sequences();
}

void CpuBackend::reset_sequences() {
  saved_.assign(static_cast<std::size_t>(std::max<std::int64_t>(loops_ - 1, 0) * batch_ * d_), 0.0f);
}

std::int64_t CpuBackend::kv_bytes_allocated() const {
  std::int64_t bytes = 0;
  for (const auto& s : stores_) bytes += static_cast<std::int64_t>((s.k.size() + s.v.size()) * sizeof(float));
  return bytes;
}

CpuBackend::KvStore& CpuBackend::store_for_loop(std::int32_t loop) {
  const std::int32_t i = store_of_loop_.at(static_cast<std::size_t>(loop));
  if (i < 0) throw std::logic_error("no KV buffer for loop " + std::to_string(loop));
  return stores_[static_cast<std::size_t>(i)];
}

float* CpuBackend::kv_ptr(std::vector<float>& buf, const KvStore& s, std::int64_t layer, std::int64_t b,
                          std::int64_t h) const {
  const std::int64_t dh = config_.head_dim, hkv = config_.kv_heads;
  return buf.data() + (((layer * batch_ + b) * hkv + h) * s.tokens) * dh;
}

void CpuBackend::begin_step(const StepIO& io) {
  const StepRows r = check_step(io, batch_, rope_.max_positions(), vocab_);
  phase_ = r.phase;
  position_ = io.position;
  prompt_len_ = r.prompt_len;
  step_rows_ = r.rows;
  multi_loop_ = r.multi_loop;
  tokens_in_.assign(io.tokens.begin(), io.tokens.end());
  plan_ = io.plan;
}

void CpuBackend::run_op(const OpDesc& op) {
  if (!plan_) throw std::logic_error("run_op outside a step");
  if (op.rows > max_rows_)
    throw std::logic_error(op_name(op) + ": " + std::to_string(op.rows) + " rows exceed the prepared " +
                           std::to_string(max_rows_));
  const Layer* L = op.layer >= 0 ? &layers_.at(static_cast<std::size_t>(op.layer)) : nullptr;
  const OmpThreadScope omp_threads(thread_choice_.threads);
  switch (op.kind) {
    case OpKind::embed:
      op_embed(op);
      break;
    case OpKind::reinject:
      op_reinject(op);
      break;
    case OpKind::attn_norm:
      op_norm(op, L->attn_norm);
      break;
    case OpKind::mlp_norm:
      op_norm(op, L->mlp_norm);
      break;
    case OpKind::qkv_proj:
    case OpKind::q_proj:
    case OpKind::kv_proj:
    case OpKind::o_proj_residual:
    case OpKind::gate_up_proj:
    case OpKind::down_proj_residual:
    case OpKind::lm_head:
      op_gemm(op);
      break;
    case OpKind::rope_kv_append:
      op_rope_kv_append(op);
      break;
    case OpKind::attn_global:
      op_attn_global(op);
      break;
    case OpKind::attn_local_gate:
      op_attn_local_gate(op);
      break;
    case OpKind::swiglu: {
      const std::int64_t r0 = row0(op);
      cpu::swiglu(gu_.data() + r0 * 2 * ffn_, act_.data() + r0 * ffn_, op.rows, ffn_);
      break;
    }
    case OpKind::state_save:
      op_state_save(op);
      break;
    case OpKind::final_norm:
      op_final_norm();
      break;
    case OpKind::argmax:
      op_argmax();
      break;
  }
}

void CpuBackend::op_embed(const OpDesc& op) {
  const auto a = static_cast<float>(config_.reinject_e), bh = static_cast<float>(config_.reinject_h);
#pragma omp parallel for schedule(static) if (op.rows * d_ >= 65536)
  for (std::int64_t r = 0; r < op.rows; ++r) {
    const std::int64_t b = multi_loop_ ? r % batch_ : r;
    const std::int32_t tok = tokens_in_[static_cast<std::size_t>(b)];
    const float* e = embed_.data() + static_cast<std::int64_t>(tok) * d_;
    float* x = x_.data() + r * d_;
    const std::int64_t loop = multi_loop_ ? r / batch_ + 1 : 1;
    if (loop == 1) {
      std::memcpy(x, e, static_cast<std::size_t>(d_) * sizeof(float));
      if (phase_ == Phase::prefill) std::memcpy(emb_.data() + r * d_, e, static_cast<std::size_t>(d_) * sizeof(float));
    } else {
      // Row l = a*e_i + b*s(l-1): s from the previous step (plt-model.md, decoding with CLP).
      const float* s = saved_.data() + ((loop - 2) * batch_ + b) * d_;
      for (std::int64_t i = 0; i < d_; ++i) x[i] = a * e[i] + bh * s[i];
    }
  }
}

void CpuBackend::op_reinject(const OpDesc& op) {
  // B(l) = a*E + b*shift(H(l-1)): row p gets H(l-1) of row p-1, row 0 gets zeros (position 0).
  const auto a = static_cast<float>(config_.reinject_e), bh = static_cast<float>(config_.reinject_h);
  const std::int64_t P = prompt_len_;
#pragma omp parallel for schedule(static) if (op.rows * d_ >= 65536)
  for (std::int64_t b = 0; b < batch_; ++b)
    for (std::int64_t p = P - 1; p >= 0; --p) {  // backwards: row p-1 is still H(l-1) when read
      float* x = x_.data() + (b * P + p) * d_;
      const float* e = emb_.data() + (b * P + p) * d_;
      if (p > 0) {
        const float* prev = x - d_;
        for (std::int64_t i = 0; i < d_; ++i) x[i] = a * e[i] + bh * prev[i];
      } else {
        for (std::int64_t i = 0; i < d_; ++i) x[i] = a * e[i];
      }
    }
}

void CpuBackend::op_norm(const OpDesc& op, std::span<const float> weight) {
  const std::int64_t r0 = row0(op);
  cpu::rmsnorm({x_.data() + r0 * d_, weight.data(), xn_.data() + r0 * d_, op.rows, d_, 0, 0, config_.norm_eps});
}

void CpuBackend::op_gemm(const OpDesc& op) {
  const std::int64_t r0 = row0(op);
  const Layer* L = op.layer >= 0 ? &layers_[static_cast<std::size_t>(op.layer)] : nullptr;
  cpu::MatmulArgs g;
  switch (op.kind) {
    case OpKind::qkv_proj:
      g = {xn_.data() + r0 * d_, L->wqkv.data(), qkv_.data() + r0 * ld_qkv_, op.rows, ld_qkv_, d_, d_, d_, ld_qkv_};
      break;
    case OpKind::q_proj:
      g = {xn_.data() + r0 * d_, L->wqkv.data(), qkv_.data() + r0 * ld_qkv_, op.rows, qd_, d_, d_, d_, ld_qkv_};
      break;
    case OpKind::kv_proj:  // loop-1 rows only, into the k|v columns
      g = {xn_.data() + r0 * d_,
           L->wqkv.data() + qd_ * d_,
           qkv_.data() + r0 * ld_qkv_ + qd_,
           op.rows,
           2 * kvd_,
           d_,
           d_,
           d_,
           ld_qkv_};
      break;
    case OpKind::o_proj_residual:
      g = {y_.data() + r0 * qd_, L->wo.data(), x_.data() + r0 * d_, op.rows, d_, qd_, qd_, qd_, d_};
      g.accumulate = cpu::Accumulate::yes;
      break;
    case OpKind::gate_up_proj:
      g = {xn_.data() + r0 * d_,
           L->w_gate_up.data(),
           gu_.data() + r0 * 2 * ffn_,
           op.rows,
           2 * ffn_,
           d_,
           d_,
           d_,
           2 * ffn_};
      break;
    case OpKind::down_proj_residual:
      g = {act_.data() + r0 * ffn_, L->w_down.data(), x_.data() + r0 * d_, op.rows, d_, ffn_, ffn_, ffn_, d_};
      g.accumulate = cpu::Accumulate::yes;
      break;
    case OpKind::lm_head:
      g = {fn_.data(), (lm_head_.empty() ? embed_ : lm_head_).data(), logits_.data(), batch_, vocab_, d_, d_, d_,
           vocab_};
      break;
    default:
      throw std::logic_error("op_gemm: not a GEMM");
  }
  cpu::matmul_nt(g);
}

void CpuBackend::op_state_save(const OpDesc& op) {
  // Keep H(l) of each sequence's last position, l = loop_lo..loop_hi (all < L).
  for (std::int32_t l = op.loop_lo; l <= op.loop_hi; ++l)
    for (std::int64_t b = 0; b < batch_; ++b) {
      const std::int64_t r =
          multi_loop_ ? (l - 1) * batch_ + b : (phase_ == Phase::prefill ? b * prompt_len_ + prompt_len_ - 1 : b);
      std::memcpy(saved_.data() + ((l - 1) * batch_ + b) * d_, x_.data() + r * d_,
                  static_cast<std::size_t>(d_) * sizeof(float));
    }
}

std::int64_t CpuBackend::head_row(std::int64_t b) const {
  if (multi_loop_) return (loops_ - 1) * batch_ + b;
  return phase_ == Phase::prefill ? b * prompt_len_ + prompt_len_ - 1 : b;
}

void CpuBackend::op_final_norm() {
  for (std::int64_t b = 0; b < batch_; ++b)
    cpu::rmsnorm_row(x_.data() + head_row(b) * d_, norm_.data(), fn_.data() + b * d_, d_, config_.norm_eps);
}

void CpuBackend::op_argmax() {
  for (std::int64_t b = 0; b < batch_; ++b)
    tokens_out_[static_cast<std::size_t>(b)] = cpu::argmax(logits_.data() + b * vocab_, vocab_);
}

std::vector<float> CpuBackend::final_hidden() {
  const std::int64_t first = multi_loop_ ? (loops_ - 1) * batch_ : 0;
  return {x_.begin() + first * d_, x_.begin() + (first + step_rows_) * d_};
}

}  // namespace looplab
