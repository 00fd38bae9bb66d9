// ModelConfig parsing, validation and preset lookup.
#include "engine/core/config.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/core/checked.hpp"
#include "engine/core/error.hpp"
#include "engine/core/json_text.hpp"

#ifndef LOOPLAB_SOURCE_DATA_DIR
#define LOOPLAB_SOURCE_DATA_DIR "data"
#endif

namespace looplab {
namespace {

using json = nlohmann::json;

void require_positive(const char* field, std::int64_t v) {
  if (v <= 0) throw InputError(field, std::to_string(v) + " must be a positive integer");
}

// Every byte count the engine and simulator compute is a product of these sizes; check that the
// largest ones (a weight matrix, one token's KV over all layers and loops, the whole model) fit.
void check_fits(const char* field, std::initializer_list<std::int64_t> factors) { check_product_fits(field, factors); }

std::int64_t get_int(const json& j, const std::string& key, const std::string& where) {
  const json& v = j.at(key);
  if (v.is_number_integer() || v.is_number_unsigned()) {
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
      throw InputError(key, "value too large (in " + where + ")");
    return v.get<std::int64_t>();
  }
  throw InputError(key, "expected an integer, got " + v.dump() + " (in " + where + ")");
}
double get_num(const json& j, const std::string& key, const std::string& where) {
  const json& v = j.at(key);
  if (!v.is_number()) throw InputError(key, "expected a number, got " + v.dump() + " (in " + where + ")");
  return v.get<double>();
}
bool get_bool(const json& j, const std::string& key, const std::string& where) {
  const json& v = j.at(key);
  if (!v.is_boolean()) throw InputError(key, "expected true or false, got " + v.dump() + " (in " + where + ")");
  return v.get<bool>();
}
std::string get_str(const json& j, const std::string& key, const std::string& where) {
  const json& v = j.at(key);
  if (!v.is_string()) throw InputError(key, "expected a string, got " + v.dump() + " (in " + where + ")");
  return v.get<std::string>();
}

}  // namespace

std::string_view to_string(Variant v) {
  switch (v) {
    case Variant::vanilla:
      return "vanilla";
    case Variant::looped:
      return "looped";
    case Variant::clp:
      return "clp";
    case Variant::clp_share:
      return "clp_share";
    case Variant::plt:
      return "plt";
  }
  return "?";
}
std::optional<Variant> parse_variant(std::string_view s) {
  for (Variant v : kAllVariants)
    if (to_string(v) == s) return v;
  return std::nullopt;
}
std::string_view to_string(DType t) { return t == DType::f32 ? "f32" : "bf16"; }
std::optional<DType> parse_dtype(std::string_view s) {
  if (s == "f32" || s == "fp32" || s == "float32") return DType::f32;
  if (s == "bf16" || s == "bfloat16") return DType::bf16;
  return std::nullopt;
}

std::int64_t ModelConfig::parameter_count() const {
  const std::int64_t d = hidden;
  std::int64_t per_layer = d * q_dim() + 2 * d * kv_dim() + q_dim() * d  // q, k, v, o
                           + 3 * d * ffn                                 // gate, up, down
                           + 2 * d;                                      // two norms
  if (qk_norm) per_layer += 2 * head_dim;
  if (variant == Variant::plt) per_layer += heads * head_dim + heads;  // gate Wg, bg
  std::int64_t total = layers * per_layer + vocab * d + d;             // + embeddings, final norm
  if (!tied_embeddings) total += vocab * d;
  return total;
}

void validate(const ModelConfig& c) {
  require_positive("layers", c.layers);
  require_positive("hidden", c.hidden);
  require_positive("heads", c.heads);
  require_positive("kv_heads", c.kv_heads);
  require_positive("head_dim", c.head_dim);
  require_positive("ffn", c.ffn);
  require_positive("vocab", c.vocab);
  if (c.heads % c.kv_heads != 0)
    throw InputError("kv_heads", std::to_string(c.kv_heads) + " does not divide heads " + std::to_string(c.heads));
  if (c.head_dim % 2 != 0)
    throw InputError("head_dim", std::to_string(c.head_dim) + " must be even (RoPE rotates pairs)");
  if (c.loops < 1) throw InputError("loops", std::to_string(c.loops) + " must be >= 1");
  if (c.loops > 64) throw InputError("loops", std::to_string(c.loops) + " is above the limit of 64");
  // A step plan holds about 12 ops per layer and loop; past this the plan alone needs gigabytes
  // (the deepest public models have under 200 layers).
  if (c.layers > 4096) throw InputError("layers", std::to_string(c.layers) + " is above the limit of 4096");
  if (c.window < 1) throw InputError("window", std::to_string(c.window) + " must be >= 1");
  if (c.vocab > INT32_MAX) throw InputError("vocab", std::to_string(c.vocab) + " does not fit a 32-bit token id");
  if (!(c.rope_theta > 0) || !std::isfinite(c.rope_theta))
    throw InputError("rope_theta", std::to_string(c.rope_theta) + " must be a positive number");
  if (!(c.norm_eps > 0) || !std::isfinite(c.norm_eps))
    throw InputError("norm_eps", std::to_string(c.norm_eps) + " must be a positive number");
  if (!std::isfinite(c.reinject_e)) throw InputError("reinject_e", "must be finite");
  if (!std::isfinite(c.reinject_h)) throw InputError("reinject_h", "must be finite");
  if (!std::isfinite(c.gate_bias_init)) throw InputError("gate_bias_init", "must be finite");
  // The largest products anything computes: 8 bytes x every matrix, 8 bytes x the KV of one
  // token over all layers and loops, and the whole model in 8-byte elements with 2^24 headroom
  // left for batch x context in KV sizes.
  check_fits("hidden", {c.hidden, c.ffn, 8});
  check_fits("vocab", {c.vocab, c.hidden, 8});
  check_fits("heads", {c.heads, c.head_dim, c.hidden, 8});
  check_fits("kv_heads", {2, c.layers, c.kv_heads, c.head_dim, 8, c.loops, 1 << 24});
  check_fits("layers", {c.layers, 3 * c.ffn + 4 * c.heads * c.head_dim, c.hidden, 8});
}

ModelConfig config_from_json(const json& j, const std::string& where) {
  if (!j.is_object()) throw InputError(where, "a model config must be a JSON object");
  ModelConfig c;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    if (k == "name")
      c.name = get_str(j, k, where);
    else if (k == "layers")
      c.layers = get_int(j, k, where);
    else if (k == "hidden")
      c.hidden = get_int(j, k, where);
    else if (k == "heads")
      c.heads = get_int(j, k, where);
    else if (k == "kv_heads")
      c.kv_heads = get_int(j, k, where);
    else if (k == "head_dim")
      c.head_dim = get_int(j, k, where);
    else if (k == "ffn")
      c.ffn = get_int(j, k, where);
    else if (k == "vocab")
      c.vocab = get_int(j, k, where);
    else if (k == "tied_embeddings")
      c.tied_embeddings = get_bool(j, k, where);
    else if (k == "qk_norm")
      c.qk_norm = get_bool(j, k, where);
    else if (k == "rope_theta")
      c.rope_theta = get_num(j, k, where);
    else if (k == "norm_eps")
      c.norm_eps = get_num(j, k, where);
    else if (k == "loops")
      c.loops = get_int(j, k, where);
    else if (k == "window")
      c.window = get_int(j, k, where);
    else if (k == "reinject_e")
      c.reinject_e = get_num(j, k, where);
    else if (k == "reinject_h")
      c.reinject_h = get_num(j, k, where);
    else if (k == "gate_bias_init")
      c.gate_bias_init = get_num(j, k, where);
    else if (k == "source")
      c.source = get_str(j, k, where);
    else if (k == "variant") {
      auto v = parse_variant(get_str(j, k, where));
      if (!v) throw InputError(k, it.value().dump() + " is not one of vanilla, looped, clp, clp_share, plt");
      c.variant = *v;
    } else if (k == "dtype") {
      auto t = parse_dtype(get_str(j, k, where));
      if (!t) throw InputError(k, it.value().dump() + " is not one of f32, bf16");
      c.dtype = *t;
    } else {
      throw InputError(k, "unknown key in " + where);
    }
  }
  return c;
}

json config_to_json(const ModelConfig& c) {
  return json{{"name", c.name},
              {"layers", c.layers},
              {"hidden", c.hidden},
              {"heads", c.heads},
              {"kv_heads", c.kv_heads},
              {"head_dim", c.head_dim},
              {"ffn", c.ffn},
              {"vocab", c.vocab},
              {"tied_embeddings", c.tied_embeddings},
              {"qk_norm", c.qk_norm},
              {"rope_theta", c.rope_theta},
              {"norm_eps", c.norm_eps},
              {"variant", std::string(to_string(c.variant))},
              {"loops", c.loops},
              {"window", c.window},
              {"dtype", std::string(to_string(c.dtype))},
              {"reinject_e", c.reinject_e},
              {"reinject_h", c.reinject_h},
              {"gate_bias_init", c.gate_bias_init},
              {"source", c.source}};
}

ModelConfig parse_config_text(const std::string& text, const std::string& where) {
  return config_from_json(parse_json_text(text, "", where), where);
}

std::filesystem::path data_dir() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("LOOPLAB_DATA_DIR"); env && *env) return env;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (fs::path p = exe.parent_path(); !p.empty() && p != p.root_path(); p = p.parent_path())
      if (fs::exists(p / "data" / "models")) return p / "data";
  }
  return LOOPLAB_SOURCE_DATA_DIR;
}

std::vector<std::string> preset_names() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(data_dir() / "models", ec))
    if (e.path().extension() == ".json") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

ModelConfig load_model(const std::string& name_or_path) {
  namespace fs = std::filesystem;
  fs::path p = name_or_path;
  const bool looks_like_path = name_or_path.find('/') != std::string::npos || p.extension() == ".json";
  if (!looks_like_path) p = data_dir() / "models" / (name_or_path + ".json");
  std::error_code ec;
  if (fs::is_directory(p, ec)) throw InputError("model", "'" + name_or_path + "' is a directory, not a JSON file");
  std::ifstream in(p);
  if (!in) {
    std::string known;
    for (const auto& n : preset_names()) known += (known.empty() ? "" : ", ") + n;
    throw InputError("model", "'" + name_or_path + "' is not a preset (" + known + ") or a readable JSON file");
  }
  std::stringstream ss;
  ss << in.rdbuf();
  ModelConfig c = parse_config_text(ss.str(), p.filename().empty() ? p.string() : p.filename().string());
  validate(c);
  return c;
}

}  // namespace looplab
