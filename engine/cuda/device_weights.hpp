// The model's weights on the device: matrices in bf16 (fused where the plan fuses the GEMM:
// [Wq; Wk; Wv] and [Wgate; Wup]), norm and gate parameters in fp32 (tiny, and they scale every
// activation, so they keep full precision).
#pragma once
#include <cstdint>
#include <vector>

#include "engine/core/config.hpp"
#include "engine/core/weights.hpp"
#include "engine/cuda/buffer.hpp"
#include "engine/cuda/ops/types.hpp"

namespace looplab::gpu {

struct DeviceLayer {
  DeviceBuffer attn_norm;  // (d) fp32
  DeviceBuffer wqkv;       // (Hq*dh + 2*Hkv*dh, d) bf16: q_proj, k_proj, v_proj stacked
  DeviceBuffer wo;         // (d, Hq*dh) bf16
  DeviceBuffer q_norm;     // (dh) fp32, qk_norm only
  DeviceBuffer k_norm;     // (dh) fp32, qk_norm only
  DeviceBuffer gate_w;     // (Hq, dh) fp32, plt only
  DeviceBuffer gate_b;     // (Hq) fp32, plt only
  DeviceBuffer mlp_norm;   // (d) fp32
  DeviceBuffer w_gate_up;  // (2*ffn, d) bf16: gate_proj, up_proj stacked
  DeviceBuffer w_down;     // (d, ffn) bf16
};

class DeviceWeights {
 public:
  DeviceWeights() = default;
  // Checks the weights against the config (InputError naming a bad tensor) and uploads them.
  DeviceWeights(const ModelConfig& c, const Weights& w);

  const DeviceLayer& layer(std::int64_t i) const { return layers_.at(static_cast<std::size_t>(i)); }
  const bf16* embed() const { return embed_.as<const bf16>(); }        // (vocab, d)
  const float* final_norm() const { return norm_.as<const float>(); }  // (d)
  const bf16* lm_head() const;                                         // (vocab, d), the embedding when tied
  std::int64_t bytes() const { return bytes_; }                        // device bytes held

 private:
  std::vector<DeviceLayer> layers_;
  DeviceBuffer embed_, norm_, lm_head_;
  std::int64_t bytes_ = 0;
};

}  // namespace looplab::gpu
