// CpuBackend: the reference backend. Every OpKind in plain fp32 on the host, OpenMP across the
// threads its ThreadPolicy picks; the oracle the CUDA backend and the tests compare against.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "engine/core/backend.hpp"
#include "engine/cpu/rope.hpp"
#include "engine/cpu/thread_policy.hpp"
#include "engine/cpu/weight_arena.hpp"

namespace looplab {

class CpuBackend final : public Backend {
 public:
  // The policy is applied at every prepare (thread_policy.hpp); `available` by default.
  explicit CpuBackend(ThreadPolicy policy = ThreadPolicy::available()) : policy_(policy) {}

  std::string_view name() const override { return "cpu"; }
  bool supports_op(const OpDesc& op) const override;
  std::int64_t kv_bytes_per_element() const override { return 4; }

  void prepare(const ModelConfig& config, const Weights& weights, const KvLayout& layout,
               std::int64_t max_rows) override;
  void reset_sequences() override;

  void begin_step(const StepIO& io) override;
  void run_op(const OpDesc& op) override;
  void end_step() override {}

  std::vector<std::int32_t> sampled_tokens() override { return tokens_out_; }
  std::vector<float> final_hidden() override;
  std::vector<float> last_logits() override { return logits_; }
  std::int64_t kv_bytes_allocated() const override;
  void set_gate_override(GateOverride g) override { gate_override_ = g; }

  // OpenMP threads the ops run on, and why, as decided by the last prepare (1 before it).
  int threads() const { return thread_choice_.threads; }
  const CpuThreadChoice& thread_choice() const { return thread_choice_; }

 private:
  struct Layer {
    std::span<const float> attn_norm;       // (d)
    std::span<const float> wqkv;            // (Hq*dh + 2*Hkv*dh, d): q_proj, k_proj, v_proj stacked
    std::span<const float> wo;              // (d, Hq*dh)
    std::span<const float> q_norm, k_norm;  // (dh) when qk_norm
    std::span<const float> gate_w;          // (Hq, dh) when plt
    std::span<const float> gate_b;          // (Hq) when plt
    std::span<const float> mlp_norm;        // (d)
    std::span<const float> w_gate_up;       // (2*ffn, d): gate_proj, up_proj stacked
    std::span<const float> w_down;          // (d, ffn)
  };
  // One KvLayout buffer: K and V, each (layers, B, Hkv, tokens, dh).
  struct KvStore {
    KvBufferKind kind = KvBufferKind::full;
    std::int32_t loop = 1;
    std::int64_t tokens = 0;  // entries per sequence; a ring keeps position p at slot p % tokens
    std::vector<float> k, v;
  };

  // Row geometry of the current step (plan.hpp's row layout).
  std::int64_t row0(const OpDesc& op) const { return multi_loop_ ? (op.loop_lo - 1) * batch_ : 0; }
  std::int64_t seq_of(std::int64_t r) const { return phase_ == Phase::prefill ? r / prompt_len_ : r % batch_; }
  std::int64_t pos_of(std::int64_t r) const {
    return phase_ == Phase::prefill ? position_ + r % prompt_len_ : position_;
  }
  std::int32_t loop_of(std::int64_t r, const OpDesc& op) const {
    return multi_loop_ ? static_cast<std::int32_t>(r / batch_ + 1) : op.loop_lo;
  }
  // Row of the final loop that produces sequence b's logits.
  std::int64_t head_row(std::int64_t b) const;
  KvStore& store_for_loop(std::int32_t loop);
  float* kv_ptr(std::vector<float>& buf, const KvStore& s, std::int64_t layer, std::int64_t b, std::int64_t h) const;

  void op_embed(const OpDesc& op);
  void op_reinject(const OpDesc& op);
  void op_norm(const OpDesc& op, std::span<const float> weight);
  void op_gemm(const OpDesc& op);
  void op_rope_kv_append(const OpDesc& op);
  void op_attn_global(const OpDesc& op);
  void op_attn_local_gate(const OpDesc& op);
  void op_state_save(const OpDesc& op);
  void op_final_norm();
  void op_argmax();

  ThreadPolicy policy_;
  CpuThreadChoice thread_choice_;
  ModelConfig config_;
  std::int64_t d_ = 0, qd_ = 0, kvd_ = 0, ld_qkv_ = 0, ffn_ = 0, vocab_ = 0, loops_ = 1;
  std::vector<Layer> layers_;
  cpu::WeightArena arena_;          // holds every weight below, in this order
  std::span<const float> embed_;    // (vocab, d)
  std::span<const float> norm_;     // (d)
  std::span<const float> lm_head_;  // (vocab, d); empty when tied (embed_ is used)
  std::vector<KvStore> stores_;
  std::vector<std::int32_t> store_of_loop_;  // 1-based loop -> index into stores_
  cpu::RopeTable rope_;
  std::int64_t batch_ = 0, max_rows_ = 0;

  // Activations, max_rows_ rows each.
  std::vector<float> x_;       // (rows, d) residual stream
  std::vector<float> emb_;     // (rows, d) embeddings of a prefill, for re-injection
  std::vector<float> xn_;      // (rows, d) normed
  std::vector<float> qkv_;     // (rows, ld_qkv_) q | k | v
  std::vector<float> y_;       // (rows, Hq*dh) attention output
  std::vector<float> gu_;      // (rows, 2*ffn)
  std::vector<float> act_;     // (rows, ffn)
  std::vector<float> saved_;   // (L-1, B, d): s(l) of cross-loop decoding
  std::vector<float> fn_;      // (B, d) final-normed head rows
  std::vector<float> logits_;  // (B, vocab)
  std::vector<std::int32_t> tokens_out_;

  // Current step.
  const StepPlan* plan_ = nullptr;
  std::vector<std::int32_t> tokens_in_;
  Phase phase_ = Phase::decode;
  std::int64_t position_ = 0, prompt_len_ = 1, step_rows_ = 0;
  bool multi_loop_ = false;  // a cross-loop decode pass: B*L rows, loop-major
  GateOverride gate_override_ = GateOverride::none;
};

}  // namespace looplab
