// Weight upload: fp32 host tensors -> bf16 (round to nearest even) or fp32 device buffers.
#include "engine/cuda/device_weights.hpp"

#include <cuda_runtime_api.h>

#include <initializer_list>
#include <string>

#include "engine/cuda/bf16_host.hpp"
#include "engine/cuda/check.hpp"

namespace looplab::gpu {
namespace {

class Uploader {
 public:
  explicit Uploader(const Weights& w) : w_(w) {}

  // The named tensors stacked row-wise, as one bf16 matrix.
  DeviceBuffer bf16_stack(std::initializer_list<std::string> names) {
    std::size_t n = 0;
    for (const auto& name : names) n += w_.at(name).data.size();
    std::vector<std::uint16_t> host(n);
    std::size_t at = 0;
    for (const auto& name : names) {
      const auto& src = w_.at(name).data;
      const auto count = static_cast<std::int64_t>(src.size());
#pragma omp parallel for schedule(static) if (count >= (1 << 20))
      for (std::int64_t i = 0; i < count; ++i)
        host[at + static_cast<std::size_t>(i)] = f32_to_bf16_bits(src[static_cast<std::size_t>(i)]);
      at += src.size();
    }
    return upload(host.data(), n * sizeof(std::uint16_t));
  }

  DeviceBuffer f32(const std::string& name) {
    const auto& src = w_.at(name).data;
    return upload(src.data(), src.size() * sizeof(float));
  }

  std::int64_t bytes() const { return bytes_; }

 private:
  DeviceBuffer upload(const void* host, std::size_t bytes) {
    DeviceBuffer d(bytes);
    if (bytes > 0) LOOPLAB_CUDA_CHECK(cudaMemcpy(d.get(), host, bytes, cudaMemcpyHostToDevice));
    bytes_ += static_cast<std::int64_t>(bytes);
    return d;
  }

  const Weights& w_;
  std::int64_t bytes_ = 0;
};

}  // namespace

DeviceWeights::DeviceWeights(const ModelConfig& c, const Weights& w) {
  check_weights(c, w);
  Uploader up(w);
  layers_.resize(static_cast<std::size_t>(c.layers));
  for (std::int64_t i = 0; i < c.layers; ++i) {
    auto n = [&](const char* suffix) { return layer_tensor_name(i, suffix); };
    DeviceLayer& L = layers_[static_cast<std::size_t>(i)];
    L.attn_norm = up.f32(n("input_layernorm.weight"));
    L.wqkv = up.bf16_stack({n("self_attn.q_proj.weight"), n("self_attn.k_proj.weight"), n("self_attn.v_proj.weight")});
    L.wo = up.bf16_stack({n("self_attn.o_proj.weight")});
    if (c.qk_norm) {
      L.q_norm = up.f32(n("self_attn.q_norm.weight"));
      L.k_norm = up.f32(n("self_attn.k_norm.weight"));
    }
    if (c.variant == Variant::plt) {
      L.gate_w = up.f32(n("self_attn.gate.weight"));
      L.gate_b = up.f32(n("self_attn.gate.bias"));
    }
    L.mlp_norm = up.f32(n("post_attention_layernorm.weight"));
    L.w_gate_up = up.bf16_stack({n("mlp.gate_proj.weight"), n("mlp.up_proj.weight")});
    L.w_down = up.bf16_stack({n("mlp.down_proj.weight")});
  }
  embed_ = up.bf16_stack({"model.embed_tokens.weight"});
  norm_ = up.f32("model.norm.weight");
  if (!c.tied_embeddings) lm_head_ = up.bf16_stack({"lm_head.weight"});
  bytes_ = up.bytes();
}

const bf16* DeviceWeights::lm_head() const {
  return lm_head_.get() != nullptr ? lm_head_.as<const bf16>() : embed_.as<const bf16>();
}

}  // namespace looplab::gpu
