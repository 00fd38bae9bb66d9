// Activation buffers: sizes from the config, the batch and the widest step.
#include "engine/cuda/activations.hpp"

namespace looplab::gpu {

Activations::Activations(const ModelConfig& c, std::int64_t batch, std::int64_t max_rows,
                         std::size_t attn_partials_bytes) {
  const auto rows = static_cast<std::size_t>(max_rows);
  const auto d = static_cast<std::size_t>(c.hidden);
  const auto qd = static_cast<std::size_t>(c.q_dim()), kvd = static_cast<std::size_t>(c.kv_dim());
  const auto ffn = static_cast<std::size_t>(c.ffn);
  const auto B = static_cast<std::size_t>(batch);
  const auto L = static_cast<std::size_t>(c.effective_loops());
  x = DeviceBuffer(rows * d * sizeof(float));
  x_alt = DeviceBuffer(rows * d * sizeof(float));
  xn = DeviceBuffer(rows * d * sizeof(bf16));
  qkv = DeviceBuffer(rows * (qd + 2 * kvd) * sizeof(float));
  q = DeviceBuffer(rows * qd * sizeof(bf16));
  k_pass = DeviceBuffer(rows * kvd * sizeof(bf16));
  v_pass = DeviceBuffer(rows * kvd * sizeof(bf16));
  y = DeviceBuffer(rows * qd * sizeof(bf16));
  gate_up = DeviceBuffer(rows * 2 * ffn * sizeof(float));
  act = DeviceBuffer(rows * ffn * sizeof(bf16));
  saved = DeviceBuffer((L - 1) * B * d * sizeof(float));
  head_in = DeviceBuffer(B * d * sizeof(bf16));
  logits = DeviceBuffer(B * static_cast<std::size_t>(c.vocab) * sizeof(float));
  tokens_out = DeviceBuffer(B * sizeof(std::int32_t));
  step_in = DeviceBuffer((rows + 1) * sizeof(std::int32_t));
  step_in_host = PinnedBuffer((rows + 1) * sizeof(std::int32_t));
  attn_partials = DeviceBuffer(attn_partials_bytes);
}

}  // namespace looplab::gpu
