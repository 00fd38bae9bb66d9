// CpuBackend attention ops: qk-norm + RoPE + KV append, global attention (decode over a cache,
// causal prefill), and the plt local-window attention with its gate and mix.
#include <algorithm>
#include <stdexcept>

#include "engine/cpu/attention.hpp"
#include "engine/cpu/cpu_backend.hpp"
#include "engine/cpu/elementwise.hpp"
#include "engine/cpu/rmsnorm.hpp"

namespace looplab {
namespace {
// Below about this many multiply-adds an op runs on one thread: the tiny test models would spend
// more on thread barriers than on work, badly so on a loaded machine.
constexpr std::int64_t kMinThreadedWork = 1 << 15;
}  // namespace

void CpuBackend::op_rope_kv_append(const OpDesc& op) {
  const Layer& L = layers_[static_cast<std::size_t>(op.layer)];
  const std::int64_t r0 = row0(op), dh = config_.head_dim, hq = config_.heads, hkv = config_.kv_heads;
  // KV rows are the first kv_rows rows of the op (loop 1 comes first); resolve their stores here,
  // outside the parallel loop.
  std::vector<KvStore*> store(static_cast<std::size_t>(loops_ + 1), nullptr);
  if (op.kv_rows > 0)
    for (std::int32_t l = loop_of(r0, op); l <= loop_of(r0 + op.kv_rows - 1, op); ++l)
      store[static_cast<std::size_t>(l)] = &store_for_loop(l);
  const std::int64_t last_pos = position_ + prompt_len_ - 1;

#pragma omp parallel for schedule(static) if (op.rows * ld_qkv_ >= kMinThreadedWork)
  for (std::int64_t r = r0; r < r0 + op.rows; ++r) {
    const std::int64_t pos = pos_of(r);
    float* q = qkv_.data() + r * ld_qkv_;
    if (config_.qk_norm)
      for (std::int64_t h = 0; h < hq; ++h)
        cpu::rmsnorm_row(q + h * dh, L.q_norm.data(), q + h * dh, dh, config_.norm_eps);
    cpu::apply_rope(q, hq, dh, rope_.cos(pos), rope_.sin(pos));
    if (r - r0 >= op.kv_rows) continue;

    float* k = q + qd_;
    const float* v = k + kvd_;
    if (config_.qk_norm)
      for (std::int64_t h = 0; h < hkv; ++h)
        cpu::rmsnorm_row(k + h * dh, L.k_norm.data(), k + h * dh, dh, config_.norm_eps);
    cpu::apply_rope(k, hkv, dh, rope_.cos(pos), rope_.sin(pos));

    KvStore& s = *store[static_cast<std::size_t>(loop_of(r, op))];
    const bool ring = s.kind == KvBufferKind::ring;
    // A ring keeps the last `tokens` positions: in a prefill, earlier rows mapping to the same
    // slot are skipped, so the parallel writes never collide.
    if (ring && pos + s.tokens <= last_pos) continue;
    const std::int64_t slot = ring ? pos % s.tokens : pos;
    const std::int64_t b = seq_of(r);
    for (std::int64_t h = 0; h < hkv; ++h) {
      std::copy_n(k + h * dh, dh, kv_ptr(s.k, s, op.layer, b, h) + slot * dh);
      std::copy_n(v + h * dh, dh, kv_ptr(s.v, s, op.layer, b, h) + slot * dh);
    }
  }
}

void CpuBackend::op_attn_global(const OpDesc& op) {
  const std::int64_t dh = config_.head_dim, hkv = config_.kv_heads, group = config_.heads / hkv;
  const float scale = 1.0f / std::sqrt(static_cast<float>(dh));
  const bool shared = op.kv == KvSource::shared;
  const std::int64_t nloops = op.loop_hi - op.loop_lo + 1;
  std::vector<KvStore*> store(static_cast<std::size_t>(loops_ + 1), nullptr);
  for (std::int32_t l = op.loop_lo; l <= op.loop_hi; ++l)
    store[static_cast<std::size_t>(l)] = &store_for_loop(shared ? 1 : l);
  auto view = [&](std::int32_t loop, std::int64_t b, std::int64_t g) {
    KvStore& s = *store[static_cast<std::size_t>(loop)];
    return cpu::KeyView{kv_ptr(s.k, s, op.layer, b, g), kv_ptr(s.v, s, op.layer, b, g), dh, 0};
  };

  if (phase_ == Phase::prefill) {
    // Causal: row b*P+p sees keys [0, p] of its cache (one loop per prefill pass).
    const std::int64_t P = prompt_len_, units = batch_ * hkv * P;
#pragma omp parallel if (units * P * group * dh >= kMinThreadedWork)
    {
      std::vector<float> scratch;
      std::vector<const float*> qs(static_cast<std::size_t>(group));
      std::vector<float*> outs(qs.size());
#pragma omp for schedule(dynamic, 4)
      for (std::int64_t u = 0; u < units; ++u) {
        const std::int64_t p = u % P, g = (u / P) % hkv, b = u / (P * hkv), r = b * P + p;
        for (std::int64_t j = 0; j < group; ++j) {
          const std::int64_t h = g * group + j;
          qs[static_cast<std::size_t>(j)] = qkv_.data() + r * ld_qkv_ + h * dh;
          outs[static_cast<std::size_t>(j)] = y_.data() + r * qd_ + h * dh;
        }
        cpu::attend({qs.data(), outs.data(), group, 0, position_ + p, dh, scale}, view(op.loop_lo, b, g), scratch);
      }
    }
    return;
  }

  // Decode: one query position per row. Units are (loop set, sequence, KV head): with a shared
  // cache the L loops of a sequence form one unit, so its K/V are read once for all of them.
  const std::int64_t loop_sets = shared ? 1 : nloops, per_unit = (shared ? nloops : 1) * group;
  const std::int64_t units = loop_sets * batch_ * hkv;
#pragma omp parallel if (units * per_unit * (position_ + 1) * dh >= kMinThreadedWork)
  {
    std::vector<float> scratch;
    std::vector<const float*> qs(static_cast<std::size_t>(per_unit));
    std::vector<float*> outs(qs.size());
#pragma omp for schedule(static)
    for (std::int64_t u = 0; u < units; ++u) {
      const std::int64_t g = u % hkv, b = (u / hkv) % batch_, set = u / (hkv * batch_);
      const auto first = static_cast<std::int32_t>(shared ? op.loop_lo : op.loop_lo + set);
      const auto last = static_cast<std::int32_t>(shared ? op.loop_hi : first);
      std::size_t i = 0;
      for (std::int32_t l = first; l <= last; ++l) {
        const std::int64_t r = multi_loop_ ? (l - 1) * batch_ + b : b;
        for (std::int64_t j = 0; j < group; ++j, ++i) {
          const std::int64_t h = g * group + j;
          qs[i] = qkv_.data() + r * ld_qkv_ + h * dh;
          outs[i] = y_.data() + r * qd_ + h * dh;
        }
      }
      cpu::attend({qs.data(), outs.data(), per_unit, 0, position_, dh, scale}, view(first, b, g), scratch);
    }
  }
}

void CpuBackend::op_attn_local_gate(const OpDesc& op) {
  const Layer& L = layers_[static_cast<std::size_t>(op.layer)];
  const std::int64_t dh = config_.head_dim, hkv = config_.kv_heads, group = config_.heads / hkv;
  const std::int64_t w = config_.window;
  const float scale = 1.0f / std::sqrt(static_cast<float>(dh));
  const bool prefill = phase_ == Phase::prefill;
  std::vector<KvStore*> store(static_cast<std::size_t>(loops_ + 1), nullptr);
  if (!prefill)
    for (std::int32_t l = op.loop_lo; l <= op.loop_hi; ++l) store[static_cast<std::size_t>(l)] = &store_for_loop(l);

  // Prefill: the window reads this pass's own K/V straight from the qkv rows (post-RoPE), since
  // a ring holds only the last w positions. Decode: the loop's ring.
  const std::int64_t nloops = op.loop_hi - op.loop_lo + 1;
  const std::int64_t per_seq = prefill ? prompt_len_ : 1;
  const std::int64_t units = nloops * batch_ * hkv * per_seq;
  const GateOverride force = gate_override_;
#pragma omp parallel if (units * group * std::min(w, position_ + per_seq) * dh >= kMinThreadedWork)
  {
    std::vector<float> scratch, local(static_cast<std::size_t>(group * dh));
    std::vector<const float*> qs(static_cast<std::size_t>(group));
    std::vector<float*> outs(qs.size());
#pragma omp for schedule(static)
    for (std::int64_t u = 0; u < units; ++u) {
      const std::int64_t p = u % per_seq, g = (u / per_seq) % hkv, b = (u / (per_seq * hkv)) % batch_;
      const auto l = static_cast<std::int32_t>(op.loop_lo + u / (per_seq * hkv * batch_));
      const std::int64_t r = prefill ? b * prompt_len_ + p : (multi_loop_ ? (l - 1) * batch_ + b : b);
      const std::int64_t pos = position_ + p;
      cpu::KeyView kv;
      if (prefill) {
        const float* base = qkv_.data() + (b * prompt_len_) * ld_qkv_ + qd_ + g * dh;
        kv = {base, base + kvd_, ld_qkv_, 0};
      } else {
        KvStore& s = *store[static_cast<std::size_t>(l)];
        kv = {kv_ptr(s.k, s, op.layer, b, g), kv_ptr(s.v, s, op.layer, b, g), dh,
              s.kind == KvBufferKind::ring ? s.tokens : 0};
      }
      for (std::int64_t j = 0; j < group; ++j) {
        qs[static_cast<std::size_t>(j)] = qkv_.data() + r * ld_qkv_ + (g * group + j) * dh;
        outs[static_cast<std::size_t>(j)] = local.data() + j * dh;
      }
      // The window counts the current position: w positions [pos-w+1, pos].
      cpu::attend({qs.data(), outs.data(), group, std::max<std::int64_t>(0, pos - w + 1), pos, dh, scale}, kv, scratch);

      for (std::int64_t j = 0; j < group; ++j) {
        const std::int64_t h = g * group + j;
        const float* qh = qs[static_cast<std::size_t>(j)];
        float gate = 0;
        if (force == GateOverride::none) {
          float dot = 0;
          for (std::int64_t i = 0; i < dh; ++i) dot += L.gate_w[static_cast<std::size_t>(h * dh + i)] * qh[i];
          gate = cpu::sigmoid(dot + L.gate_b[static_cast<std::size_t>(h)]);
        } else {
          gate = force == GateOverride::open ? 1.0f : 0.0f;
        }
        float* y = y_.data() + r * qd_ + h * dh;  // holds y_global from attn_global
        const float* yl = local.data() + j * dh;
        for (std::int64_t i = 0; i < dh; ++i) y[i] = gate * yl[i] + (1.0f - gate) * y[i];
      }
    }
  }
}

}  // namespace looplab
