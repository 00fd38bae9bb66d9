// CudaBackend::run_op: each plan op mapped onto its launcher (engine/cuda/ops), with the row
// geometry of plan.hpp: a cross-loop decode pass holds B*L rows loop-major, so an op over loops
// [lo, hi] starts at row (lo-1)*B; every other pass holds the rows of one loop from row 0.
#include <stdexcept>

#include "engine/cuda/check.hpp"
#include "engine/cuda/cuda_backend.hpp"
#include "engine/cuda/ops/argmax.hpp"
#include "engine/cuda/ops/attn_global.hpp"
#include "engine/cuda/ops/attn_local_gate.hpp"
#include "engine/cuda/ops/embed.hpp"
#include "engine/cuda/ops/gemv.hpp"
#include "engine/cuda/ops/reinject.hpp"
#include "engine/cuda/ops/rmsnorm.hpp"
#include "engine/cuda/ops/rope_kv_append.hpp"
#include "engine/cuda/ops/state_save.hpp"
#include "engine/cuda/ops/swiglu.hpp"

namespace looplab::gpu {

void CudaBackend::dispatch(const OpDesc& op) {
  const DeviceLayer* L = op.layer >= 0 ? &weights_.layer(op.layer) : nullptr;
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
      launch_swiglu({act_.gate_up.as<float>() + r0 * 2 * ffn_, act_.act.as<bf16>() + r0 * ffn_, op.rows, ffn_},
                    stream_.get());
      break;
    }
    case OpKind::state_save:
      op_state_save(op);
      break;
    case OpKind::final_norm:
      op_final_norm(op);
      break;
    case OpKind::argmax:
      op_argmax(op);
      break;
  }
}

void CudaBackend::op_embed(const OpDesc& op) {
  EmbedArgs a;
  a.tokens = act_.tokens();
  a.table = weights_.embed();
  a.state = act_.saved.as<float>();
  a.out = act_.x.as<float>();
  a.rows_per_loop = rows_per_loop();
  a.loops = multi_loop_ ? loops_ : 1;
  a.d = d_;
  a.scale_e = static_cast<float>(config_.reinject_e);
  a.scale_h = static_cast<float>(config_.reinject_h);
  if (a.loops * a.rows_per_loop != op.rows) throw std::logic_error("embed: rows differ from the step's layout");
  launch_embed(a, stream_.get());
}

void CudaBackend::op_reinject(const OpDesc& op) {
  ReinjectArgs a;
  a.tokens = act_.tokens();
  a.table = weights_.embed();
  a.h_prev = act_.x.as<float>();
  a.out = act_.x_alt.as<float>();
  a.seqs = batch_;
  a.seq_len = prompt_len_;
  a.d = d_;
  a.scale_e = static_cast<float>(config_.reinject_e);
  a.scale_h = static_cast<float>(config_.reinject_h);
  if (batch_ * prompt_len_ != op.rows) throw std::logic_error("reinject: rows differ from the prompt");
  launch_reinject(a, stream_.get());
  LOOPLAB_CUDA_CHECK(cudaMemcpyAsync(act_.x.get(), act_.x_alt.get(),
                                     static_cast<std::size_t>(op.rows * d_) * sizeof(float), cudaMemcpyDeviceToDevice,
                                     stream_.get()));
}

void CudaBackend::op_norm(const OpDesc& op, const DeviceBuffer& weight) {
  const std::int64_t r0 = row0(op);
  launch_rmsnorm({act_.x.as<float>() + r0 * d_, d_, weight.as<float>(), act_.xn.as<bf16>() + r0 * d_, op.rows, d_,
                  static_cast<float>(config_.norm_eps)},
                 stream_.get());
}

void CudaBackend::op_gemm(const OpDesc& op) {
  const std::int64_t r0 = row0(op);
  const DeviceLayer* L = op.layer >= 0 ? &weights_.layer(op.layer) : nullptr;
  const bf16* xn = act_.xn.as<bf16>() + r0 * d_;
  float* qkv = act_.qkv.as<float>() + r0 * ld_qkv_;
  GemmArgs g;
  switch (op.kind) {
    case OpKind::qkv_proj:
      g = {xn, L->wqkv.as<bf16>(), qkv, op.rows, ld_qkv_, d_, d_, ld_qkv_};
      break;
    case OpKind::q_proj:
      g = {xn, L->wqkv.as<bf16>(), qkv, op.rows, qd_, d_, d_, ld_qkv_};
      break;
    case OpKind::kv_proj:  // loop-1 rows only, into the k|v columns
      g = {xn, L->wqkv.as<bf16>() + qd_ * d_, qkv + qd_, op.rows, 2 * kvd_, d_, d_, ld_qkv_};
      break;
    case OpKind::o_proj_residual:
      g = {act_.y.as<bf16>() + r0 * qd_,
           L->wo.as<bf16>(),
           act_.x.as<float>() + r0 * d_,
           op.rows,
           d_,
           qd_,
           qd_,
           d_,
           Accumulate::yes};
      break;
    case OpKind::gate_up_proj:
      g = {xn, L->w_gate_up.as<bf16>(), act_.gate_up.as<float>() + r0 * 2 * ffn_, op.rows, 2 * ffn_, d_, d_, 2 * ffn_};
      break;
    case OpKind::down_proj_residual:
      g = {act_.act.as<bf16>() + r0 * ffn_,
           L->w_down.as<bf16>(),
           act_.x.as<float>() + r0 * d_,
           op.rows,
           d_,
           ffn_,
           ffn_,
           d_,
           Accumulate::yes};
      break;
    case OpKind::lm_head:
      g = {act_.head_in.as<bf16>(), weights_.lm_head(), act_.logits.as<float>(), batch_, vocab_, d_, d_, vocab_};
      break;
    default:
      throw std::logic_error("op_gemm: not a GEMM");
  }
  if (options_.kernels == KernelSet::fused && gemv_supported(g)) {
    launch_gemv(g, stream_.get());
    return;
  }
  gemm_->run(g, stream_.get());
}

void CudaBackend::op_rope_kv_append(const OpDesc& op) {
  const std::int64_t r0 = row0(op);
  const DeviceLayer& L = weights_.layer(op.layer);
  RopeKvAppendArgs a;
  a.qkv = act_.qkv.as<float>() + r0 * ld_qkv_;
  a.qkv_row_stride = ld_qkv_;
  a.q_out = act_.q.as<bf16>() + r0 * qd_;
  a.rows = op.rows;
  a.kv_rows = op.kv_rows;
  a.rows_per_loop = rows_per_loop();
  a.seq_len = prompt_len_;
  a.heads = static_cast<int>(config_.heads);
  a.kv_heads = static_cast<int>(config_.kv_heads);
  a.head_dim = static_cast<int>(config_.head_dim);
  a.position = act_.position();
  a.rope_theta = config_.rope_theta;
  if (config_.qk_norm) {
    a.q_norm = L.q_norm.as<float>();
    a.k_norm = L.k_norm.as<float>();
  }
  a.norm_eps = static_cast<float>(config_.norm_eps);
  if (op.kv_rows > 0) {
    // kv rows are the op's first kv_rows rows: loop_lo first, then (one-pass decode) the next loops.
    const auto last_kv_loop = static_cast<std::int32_t>(op.loop_lo + (op.kv_rows - 1) / a.rows_per_loop);
    a.first = kv_.write_view(op.loop_lo, op.layer);
    if (last_kv_loop > op.loop_lo) a.later = kv_.write_view(op.loop_lo + 1, op.layer);
  }
  if (phase_ == Phase::prefill) {  // the window attention of a prefill pass reads this pass's K/V
    a.k_scratch = act_.k_pass.as<bf16>();
    a.v_scratch = act_.v_pass.as<bf16>();
  }
  launch_rope_kv_append(a, stream_.get());
}

void CudaBackend::op_attn_global(const OpDesc& op) {
  const std::int64_t r0 = row0(op);
  AttnGlobalArgs a;
  a.q = act_.q.as<bf16>() + r0 * qd_;
  a.y = act_.y.as<bf16>() + r0 * qd_;
  a.seqs = batch_;
  a.loops = op.loop_hi - op.loop_lo + 1;
  a.q_per_loop = prompt_len_;
  const bool shared = op.kv == KvSource::shared;
  a.sets = shared ? KvSets::one_shared : KvSets::per_loop;
  a.heads = op.heads;
  a.kv_heads = op.kv_heads;
  a.head_dim = op.head_dim;
  a.kv = kv_.read_view(shared ? 1 : op.loop_lo, op.layer);
  a.position = act_.position();
  a.splits = phase_ == Phase::decode ? decode_splits(op) : 1;
  a.partials = act_.attn_partials.as<float>();
  a.partials_bytes = act_.attn_partials.bytes();
  if (a.loops * a.seqs * a.q_per_loop != op.rows) throw std::logic_error("attn_global: rows differ from the op");
  launch_attn_global(a, stream_.get());
}

void CudaBackend::op_attn_local_gate(const OpDesc& op) {
  const std::int64_t r0 = row0(op);
  const DeviceLayer& L = weights_.layer(op.layer);
  AttnLocalGateArgs a;
  a.q = act_.q.as<bf16>() + r0 * qd_;
  a.y = act_.y.as<bf16>() + r0 * qd_;
  a.seqs = batch_;
  a.loops = op.loop_hi - op.loop_lo + 1;
  a.q_per_loop = prompt_len_;
  a.heads = op.heads;
  a.kv_heads = op.kv_heads;
  a.head_dim = op.head_dim;
  if (phase_ == Phase::prefill) {
    // This pass's own rotated K/V, (B*P, Hkv, dh): key t of sequence b is row b*P + t.
    a.kv.k = act_.k_pass.as<bf16>();
    a.kv.v = act_.v_pass.as<bf16>();
    a.kv.at.seq_stride = prompt_len_ * kvd_;
    a.kv.at.head_stride = config_.head_dim;
    a.kv.at.tok_stride = kvd_;
    a.kv.at.wrap = prompt_len_;
    a.kv.at.set_stride = 0;  // a prefill pass covers one loop
  } else {
    a.kv = kv_.read_view(op.loop_lo, op.layer);  // the loop's ring
  }
  a.window = config_.window;
  a.position = act_.position();
  a.gate_w = L.gate_w.as<float>();
  a.gate_b = L.gate_b.as<float>();
  a.gate = gate_override_;
  if (a.loops * a.seqs * a.q_per_loop != op.rows) throw std::logic_error("attn_local_gate: rows differ from the op");
  launch_attn_local_gate(a, stream_.get());
}

void CudaBackend::op_state_save(const OpDesc& op) {
  StateSaveArgs a;
  a.d = d_;
  if (multi_loop_) {
    // Rows (l-1)*B + b of loops [lo, hi] to the same rows of the saved states.
    a.src = act_.x.as<float>() + (op.loop_lo - 1) * batch_ * d_;
    a.src_row_stride = d_;
    a.dst = act_.saved.as<float>() + (op.loop_lo - 1) * batch_ * d_;
    a.rows = (op.loop_hi - op.loop_lo + 1) * batch_;
  } else if (phase_ == Phase::prefill && op.loop_lo == op.loop_hi) {
    // The last prompt row of every sequence, b*P + P-1.
    a.src = act_.x.as<float>() + (prompt_len_ - 1) * d_;
    a.src_row_stride = prompt_len_ * d_;
    a.dst = act_.saved.as<float>() + (op.loop_lo - 1) * batch_ * d_;
    a.rows = batch_;
  } else {
    throw std::logic_error("state_save outside a cross-loop decode pass or a one-loop prefill pass");
  }
  launch_state_save(a, stream_.get());
}

void CudaBackend::op_final_norm(const OpDesc& op) {
  // The rows that produce logits: loop L's rows of a cross-loop pass, the last prompt row of
  // each sequence in a prefill, else row b.
  RmsNormArgs a;
  if (multi_loop_) {
    a.in = act_.x.as<float>() + (loops_ - 1) * batch_ * d_;
    a.in_row_stride = d_;
  } else if (phase_ == Phase::prefill) {
    a.in = act_.x.as<float>() + (prompt_len_ - 1) * d_;
    a.in_row_stride = prompt_len_ * d_;
  } else {
    a.in = act_.x.as<float>();
    a.in_row_stride = d_;
  }
  a.weight = weights_.final_norm();
  a.out = act_.head_in.as<bf16>();
  a.rows = batch_;
  a.d = d_;
  a.eps = static_cast<float>(config_.norm_eps);
  if (op.rows != batch_) throw std::logic_error("final_norm: rows differ from the batch");
  launch_rmsnorm(a, stream_.get());
}

void CudaBackend::op_argmax(const OpDesc& op) {
  if (op.rows != batch_) throw std::logic_error("argmax: rows differ from the batch");
  launch_argmax({act_.logits.as<float>(), act_.tokens_out.as<std::int32_t>(), batch_, vocab_}, stream_.get());
}

}  // namespace looplab::gpu
