// ModelConfig: the dimensions of one model plus the loop settings of one variant.
// Loaded from JSON presets in data/models/, overridden field by field, validated in one place.
#pragma once
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/core/variant.hpp"

namespace looplab {

struct ModelConfig {
  std::string name = "custom";
  std::int64_t layers = 0;    // N: blocks in the shared stack
  std::int64_t hidden = 0;    // d
  std::int64_t heads = 0;     // Hq
  std::int64_t kv_heads = 0;  // Hkv (GQA when < heads)
  std::int64_t head_dim = 0;  // dh
  std::int64_t ffn = 0;       // SwiGLU inner size
  std::int64_t vocab = 0;
  bool tied_embeddings = false;
  bool qk_norm = false;  // per-head RMSNorm of q and k before RoPE (Qwen3)
  double rope_theta = 10000.0;
  double norm_eps = 1e-5;

  Variant variant = Variant::vanilla;
  std::int64_t loops = 1;     // L
  std::int64_t window = 64;   // w: G-SWA local window (plt only), counts the current position
  DType dtype = DType::bf16;  // weights, activations and KV on a GPU; the CPU backend is fp32

  // Re-injection B(l) = reinject_e * E + reinject_h * shift(H(l-1)) (our choice, paper: 1, 1).
  double reinject_e = 1.0;
  double reinject_h = 1.0;
  // G-SWA gate bias initial value (bg): sigmoid(bg) is the starting weight of the local window.
  double gate_bias_init = 0.0;

  std::string source;  // where the dimensions come from

  // Loops actually run: vanilla always runs one.
  std::int64_t effective_loops() const { return variant == Variant::vanilla ? 1 : loops; }
  std::int64_t q_dim() const { return heads * head_dim; }
  std::int64_t kv_dim() const { return kv_heads * head_dim; }
  // Parameters of the model (embeddings, blocks, final norm, head, PLT gates when plt).
  std::int64_t parameter_count() const;

  friend bool operator==(const ModelConfig&, const ModelConfig&) = default;
};

// Throws InputError naming the first bad field. Also rejects sizes whose byte counts would
// overflow 64 bits for any context up to max_context tokens and batch up to max_batch.
void validate(const ModelConfig& c);

// JSON <-> config. Unknown keys, wrong types and bad values throw InputError naming the key.
ModelConfig config_from_json(const nlohmann::json& j, const std::string& where);
nlohmann::json config_to_json(const ModelConfig& c);
ModelConfig parse_config_text(const std::string& text, const std::string& where);

// The data folder: $LOOPLAB_DATA_DIR, else data/ beside or above the executable, else the
// source tree's data/ recorded at configure time.
std::filesystem::path data_dir();
// A preset name (data/models/NAME.json) or a path to a JSON file.
ModelConfig load_model(const std::string& name_or_path);
std::vector<std::string> preset_names();

}  // namespace looplab
