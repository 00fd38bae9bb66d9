// Weights container, expected shapes per config, and the seeded random initialisation.
#include "engine/core/weights.hpp"

#include <cmath>
#include <set>

#include "engine/core/error.hpp"

namespace looplab {
namespace {

std::string shape_string(const std::vector<std::int64_t>& s) {
  std::string out = "[";
  for (std::size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

std::int64_t product(const std::vector<std::int64_t>& s) {
  std::int64_t p = 1;
  for (std::int64_t x : s) p *= x;
  return p;
}

// splitmix64: a tiny generator with the same output on every platform.
struct SplitMix64 {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [-1, 1): 53 random bits scaled exactly, no libm involved.
  double symmetric() { return static_cast<double>(next() >> 11) * 0x1.0p-52 - 1.0; }
};

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xCBF29CE484222325ull;
  for (char ch : s) {
    h ^= static_cast<unsigned char>(ch);
    h *= 0x100000001B3ull;
  }
  return h;
}

enum class Init : std::uint8_t { uniform_std, one_plus_noise, constant };

void fill(Tensor& t, std::uint64_t seed, std::string_view name, Init init, double value) {
  SplitMix64 rng{seed ^ fnv1a(name)};
  rng.next();  // decorrelate nearby seeds
  // A uniform on [-a, a) has std a/sqrt(3): a = sqrt(3) * std. sqrt is correctly rounded (IEEE).
  const double a = std::sqrt(3.0) * value;
  for (float& x : t.data) {
    switch (init) {
      case Init::uniform_std:
        x = static_cast<float>(a * rng.symmetric());
        break;
      case Init::one_plus_noise:
        x = static_cast<float>(1.0 + 0.2 * rng.symmetric());
        break;
      case Init::constant:
        x = static_cast<float>(value);
        break;
    }
  }
}

}  // namespace

std::int64_t Tensor::numel() const { return product(shape); }

void Weights::add(std::string name, Tensor t) {
  if (tensors_.count(name)) throw InputError(name, "duplicate tensor");
  if (static_cast<std::int64_t>(t.data.size()) != t.numel())
    throw InputError(name, "holds " + std::to_string(t.data.size()) + " values, shape " + shape_string(t.shape) +
                               " needs " + std::to_string(t.numel()));
  names_.push_back(name);
  tensors_.emplace(std::move(name), std::move(t));
}

bool Weights::contains(std::string_view name) const { return tensors_.find(name) != tensors_.end(); }

const Tensor& Weights::at(std::string_view name) const {
  auto it = tensors_.find(name);
  if (it == tensors_.end()) throw InputError(std::string(name), "missing tensor");
  return it->second;
}

Tensor& Weights::at(std::string_view name) {
  auto it = tensors_.find(name);
  if (it == tensors_.end()) throw InputError(std::string(name), "missing tensor");
  return it->second;
}

bool Weights::erase(std::string_view name) {
  auto it = tensors_.find(name);
  if (it == tensors_.end()) return false;
  tensors_.erase(it);
  std::erase(names_, std::string(name));
  return true;
}

std::int64_t Weights::parameter_count() const {
  std::int64_t n = 0;
  for (const auto& [name, t] : tensors_) n += t.numel();
  return n;
}

std::string layer_tensor_name(std::int64_t layer, std::string_view suffix) {
  return "model.layers." + std::to_string(layer) + "." + std::string(suffix);
}

std::vector<TensorSpec> expected_shapes(const ModelConfig& c) {
  const std::int64_t d = c.hidden, qd = c.q_dim(), kvd = c.kv_dim();
  std::vector<TensorSpec> s;
  s.push_back({"model.embed_tokens.weight", {c.vocab, d}});
  for (std::int64_t i = 0; i < c.layers; ++i) {
    auto add = [&](std::string_view suffix, std::vector<std::int64_t> shape) {
      s.push_back({layer_tensor_name(i, suffix), std::move(shape)});
    };
    add("input_layernorm.weight", {d});
    add("self_attn.q_proj.weight", {qd, d});
    add("self_attn.k_proj.weight", {kvd, d});
    add("self_attn.v_proj.weight", {kvd, d});
    add("self_attn.o_proj.weight", {d, qd});
    if (c.qk_norm) {
      add("self_attn.q_norm.weight", {c.head_dim});
      add("self_attn.k_norm.weight", {c.head_dim});
    }
    if (c.variant == Variant::plt) {
      add("self_attn.gate.weight", {c.heads, c.head_dim});
      add("self_attn.gate.bias", {c.heads});
    }
    add("post_attention_layernorm.weight", {d});
    add("mlp.gate_proj.weight", {c.ffn, d});
    add("mlp.up_proj.weight", {c.ffn, d});
    add("mlp.down_proj.weight", {d, c.ffn});
  }
  s.push_back({"model.norm.weight", {d}});
  if (!c.tied_embeddings) s.push_back({"lm_head.weight", {c.vocab, d}});
  return s;
}

void check_weights(const ModelConfig& c, const Weights& w) {
  const auto specs = expected_shapes(c);
  std::set<std::string, std::less<>> wanted;
  for (const auto& spec : specs) {
    wanted.insert(spec.name);
    if (!w.contains(spec.name)) throw InputError(spec.name, "missing tensor");
    const Tensor& t = w.at(spec.name);
    if (t.shape != spec.shape)
      throw InputError(spec.name, "shape " + shape_string(t.shape) + ", expected " + shape_string(spec.shape) +
                                      " for model " + c.name);
  }
  for (const auto& name : w.names())
    if (!wanted.count(name))
      throw InputError(name,
                       "unknown tensor for model " + c.name + " (variant " + std::string(to_string(c.variant)) + ")");
}

Weights random_weights(const ModelConfig& c, std::uint64_t seed) {
  validate(c);
  const double residual_scale = 1.0 / std::sqrt(2.0 * static_cast<double>(c.layers * c.effective_loops()));
  Weights w;
  for (auto& spec : expected_shapes(c)) {
    Tensor t;
    t.shape = spec.shape;
    t.data.resize(static_cast<std::size_t>(t.numel()));
    const std::string& n = spec.name;
    auto ends_with = [&](std::string_view suf) { return n.ends_with(suf); };
    if (ends_with("norm.weight")) {
      fill(t, seed, n, Init::one_plus_noise, 0.0);
    } else if (n == "model.embed_tokens.weight") {
      fill(t, seed, n, Init::uniform_std, 1.0);
    } else if (ends_with("gate.bias")) {
      fill(t, seed, n, Init::constant, c.gate_bias_init);
    } else {
      // (out, in) matrices: std 1/sqrt(fan_in); gate.weight (Hq, dh) reads one head: fan_in dh.
      const auto fan_in = static_cast<double>(spec.shape.back());
      double std_dev = 1.0 / std::sqrt(fan_in);
      if (ends_with("o_proj.weight") || ends_with("down_proj.weight")) std_dev *= residual_scale;
      fill(t, seed, n, Init::uniform_std, std_dev);
    }
    w.add(n, std::move(t));
  }
  return w;
}

}  // namespace looplab
