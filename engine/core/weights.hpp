// Weights: the named fp32 host tensors of one model (HF-style names), their expected shapes for a
// config, and a deterministic random initialisation from a seed. Files: engine/core/safetensors.hpp.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/config.hpp"

namespace looplab {

// One dense row-major fp32 tensor on the host. A matrix of a linear layer is (out, in).
struct Tensor {
  std::vector<std::int64_t> shape;
  std::vector<float> data;  // product(shape) elements
  std::int64_t numel() const;
};

struct TensorSpec {
  std::string name;
  std::vector<std::int64_t> shape;
};

// Named tensors in insertion order. Lookups of absent names throw InputError(name, ...).
class Weights {
 public:
  // Throws InputError(name) when the name is already present or data.size() != product(shape).
  void add(std::string name, Tensor t);
  bool contains(std::string_view name) const;
  const Tensor& at(std::string_view name) const;
  Tensor& at(std::string_view name);
  // Removes a tensor; returns false when it was absent.
  bool erase(std::string_view name);
  const std::vector<std::string>& names() const { return names_; }
  std::size_t size() const { return names_.size(); }
  std::int64_t parameter_count() const;

 private:
  std::vector<std::string> names_;
  std::map<std::string, Tensor, std::less<>> tensors_;
};

// "model.layers.3.self_attn.q_proj.weight" from (3, "self_attn.q_proj.weight").
std::string layer_tensor_name(std::int64_t layer, std::string_view suffix);

// Every tensor a model of this config has, in a fixed order:
//   model.embed_tokens.weight (vocab, d)
//   per layer i, prefix model.layers.{i}.:
//     input_layernorm.weight (d)
//     self_attn.q_proj.weight (Hq*dh, d), k_proj.weight (Hkv*dh, d), v_proj.weight (Hkv*dh, d),
//     self_attn.o_proj.weight (d, Hq*dh)
//     self_attn.q_norm.weight (dh), self_attn.k_norm.weight (dh)   when qk_norm
//     self_attn.gate.weight (Hq, dh), self_attn.gate.bias (Hq)     when variant == plt
//     post_attention_layernorm.weight (d)
//     mlp.gate_proj.weight (ffn, d), mlp.up_proj.weight (ffn, d), mlp.down_proj.weight (d, ffn)
//   model.norm.weight (d)
//   lm_head.weight (vocab, d)                                       unless tied_embeddings
std::vector<TensorSpec> expected_shapes(const ModelConfig& c);

// Throws InputError naming the first missing tensor, unknown tensor or tensor of a wrong shape.
void check_weights(const ModelConfig& c, const Weights& w);

// Deterministic on every machine (integer generator, uniform values, only IEEE-exact sqrt): each tensor is
// drawn from its own stream seeded by (seed, name), so a tensor has the same values in every
// variant of a config with the same effective loops (the residual scale below depends on them).
// Scales keep activations bounded over many loops:
//   linear weights: uniform with std 1/sqrt(fan_in); o_proj and down_proj also times
//     1/sqrt(2 * layers * loops) (each loop adds 2*layers residual branches);
//   embeddings: std 1 (the residual stream starts at rms 1); lm_head: std 1/sqrt(d);
//   norm weights: 1 + uniform(-0.2, 0.2) (not all ones, so a swapped norm changes the output);
//   gate.weight: std 1/sqrt(dh); gate.bias: config.gate_bias_init.
Weights random_weights(const ModelConfig& c, std::uint64_t seed);

}  // namespace looplab
