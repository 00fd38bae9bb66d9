// Sweep spec parsing: every axis a non-empty array of the right type, no unknown keys.
#include "simulator/sweep_spec.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <memory>

#include "engine/core/error.hpp"
#include "simulator/json_fields.hpp"
#include "simulator/predict.hpp"

namespace looplab {

using nlohmann::json;

namespace {

const json& axis(const json& j, const char* key, const std::string& where) {
  const json& a = jsonf::array(jsonf::require(j, key, key, where), key, where);
  if (a.empty()) throw InputError(key, "is an empty axis: give at least one value (in " + where + ")");
  return a;
}

std::vector<std::int64_t> int_axis(const json& j, const char* key, std::int64_t min, const std::string& where) {
  std::vector<std::int64_t> out;
  const json& a = axis(j, key, where);
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string f = std::string(key) + "[" + std::to_string(i) + "]";
    const std::int64_t v = jsonf::integer(a[i], f, where);
    if (v < min) throw InputError(f, std::to_string(v) + " must be >= " + std::to_string(min) + " (in " + where + ")");
    out.push_back(v);
  }
  return out;
}

std::vector<std::string> string_axis(const json& j, const char* key, const std::string& where) {
  std::vector<std::string> out;
  const json& a = axis(j, key, where);
  for (std::size_t i = 0; i < a.size(); ++i)
    out.push_back(jsonf::string(a[i], std::string(key) + "[" + std::to_string(i) + "]", where));
  return out;
}

}  // namespace

SweepSpec sweep_spec_from_json(const json& j, const std::string& where) {
  jsonf::object(j, "spec", where);
  jsonf::only_keys(j, {"name",     "description", "models", "variants", "loops",       "windows",  "batches",
                       "contexts", "hardware",    "prompt", "generate", "launch",      "engine",   "cost_model",
                       "ceiling",  "calibration", "dtypes", "shapes",   "constraints", "objective"},
                   "", where);
  SweepSpec s;
  if (auto it = j.find("name"); it != j.end()) s.name = jsonf::string(*it, "name", where);
  if (auto it = j.find("description"); it != j.end()) (void)jsonf::string(*it, "description", where);
  s.models = string_axis(j, "models", where);
  const json& variants = axis(j, "variants", where);
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const std::string f = "variants[" + std::to_string(i) + "]";
    const std::string v = jsonf::string(variants[i], f, where);
    auto parsed = parse_variant(v);
    if (!parsed)
      throw InputError(f, "'" + v + "' is not one of vanilla, looped, clp, clp_share, plt (in " + where + ")");
    s.variants.push_back(*parsed);
  }
  if (j.contains("loops")) s.loops = int_axis(j, "loops", 1, where);
  if (j.contains("windows")) s.windows = int_axis(j, "windows", 1, where);
  s.batches = int_axis(j, "batches", 1, where);
  s.contexts = int_axis(j, "contexts", 1, where);
  s.hardware = string_axis(j, "hardware", where);
  if (auto it = j.find("prompt"); it != j.end()) {
    s.prompt = jsonf::integer(*it, "prompt", where);
    if (s.prompt < 0) throw InputError("prompt", "must be >= 0 (in " + where + ")");
  }
  if (auto it = j.find("generate"); it != j.end()) {
    s.generate = jsonf::integer(*it, "generate", where);
    if (s.generate < 0 || s.generate > kMaxGenerateTokens)
      throw InputError("generate", "must be in 0.." + std::to_string(kMaxGenerateTokens) + " (in " + where + ")");
  }
  if (auto it = j.find("launch"); it != j.end()) {
    const std::string v = jsonf::string(*it, "launch", where);
    auto m = parse_launch_mode(v);
    if (!m) throw InputError("launch", "'" + v + "' is not one of graph, stream (in " + where + ")");
    s.cost.launch = *m;
  }
  if (auto it = j.find("ceiling"); it != j.end()) {
    const std::string v = jsonf::string(*it, "ceiling", where);
    auto c = parse_ceiling(v);
    if (!c) throw InputError("ceiling", "'" + v + "' is not one of achievable, measured, datasheet (in " + where + ")");
    s.cost.ceiling = *c;
  }
  if (auto it = j.find("engine"); it != j.end())
    s.cost.engine = std::make_shared<const EngineProfile>(load_engine_profile(jsonf::string(*it, "engine", where)));
  if (auto it = j.find("cost_model"); it != j.end()) {
    const std::string v = jsonf::string(*it, "cost_model", where);
    auto m = parse_cost_model(v);
    if (!m) throw InputError("cost_model", "'" + v + "' is not one of kernels, roofline (in " + where + ")");
    s.cost.model = *m;
  }
  if (auto it = j.find("calibration"); it != j.end()) s.calibration = jsonf::string(*it, "calibration", where);
  if (j.contains("dtypes")) {
    const json& a = axis(j, "dtypes", where);
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::string f = "dtypes[" + std::to_string(i) + "]";
      const std::string v = jsonf::string(a[i], f, where);
      auto t = parse_dtype(v);
      if (!t) throw InputError(f, "'" + v + "' is not one of f32, bf16 (in " + where + ")");
      s.dtypes.push_back(*t);
    }
  }
  if (auto it = j.find("shapes"); it != j.end()) {
    jsonf::object(*it, "shapes", where);
    for (const auto& [key, values] : it->items()) {
      const auto& fields = shape_axis_fields();
      if (std::find(fields.begin(), fields.end(), key) == fields.end())
        throw InputError("shapes." + key,
                         "is not a model-shape field: one of layers, hidden, heads, kv_heads, "
                         "head_dim, ffn, vocab (in " +
                             where + ")");
      s.shapes.push_back({key, int_axis(*it, key.c_str(), 1, where)});
    }
  }
  if (auto it = j.find("constraints"); it != j.end()) s.constraints = constraints_from_json(*it, where);
  if (auto it = j.find("objective"); it != j.end()) s.objective = objective_from_json(*it, where);
  return s;
}

const std::vector<std::string>& shape_axis_fields() {
  static const std::vector<std::string> f{"layers", "hidden", "heads", "kv_heads", "head_dim", "ffn", "vocab"};
  return f;
}

SweepSpec load_sweep_spec(const std::string& file) {
  if (file == "-") {
    const std::string text(std::istreambuf_iterator<char>(std::cin), {});
    const json j = json::parse(text, nullptr, false);
    if (j.is_discarded()) throw InputError("spec", "standard input is not valid JSON");
    return sweep_spec_from_json(j, "stdin");
  }
  SweepSpec s = sweep_spec_from_json(jsonf::parse_file(file, "spec"), std::filesystem::path(file).filename().string());
  // A relative calibration path is relative to the spec file.
  if (s.calibration && std::filesystem::path(*s.calibration).is_relative())
    s.calibration = (std::filesystem::path(file).parent_path() / *s.calibration).string();
  return s;
}

json sweep_spec_to_json(const SweepSpec& s) {
  json variants = json::array();
  for (Variant v : s.variants) variants.push_back(std::string(to_string(v)));
  json j = {{"name", s.name},
            {"models", s.models},
            {"variants", variants},
            {"batches", s.batches},
            {"contexts", s.contexts},
            {"hardware", s.hardware},
            {"prompt", s.prompt},
            {"generate", s.generate},
            {"launch", std::string(to_string(s.cost.launch))},
            {"cost_model", std::string(to_string(s.cost.model))},
            {"ceiling", std::string(to_string(s.cost.ceiling))}};
  if (s.cost.engine) j["engine"] = s.cost.engine->name;
  if (!s.loops.empty()) j["loops"] = s.loops;
  if (!s.windows.empty()) j["windows"] = s.windows;
  if (s.calibration) j["calibration"] = *s.calibration;
  if (!s.dtypes.empty()) {
    json d = json::array();
    for (DType t : s.dtypes) d.push_back(std::string(to_string(t)));
    j["dtypes"] = d;
  }
  if (!s.shapes.empty()) {
    json sh = json::object();
    for (const ShapeAxis& a : s.shapes) sh[a.field] = a.values;
    j["shapes"] = sh;
  }
  j["constraints"] = constraints_to_json(s.constraints);
  if (!s.objective.metric.empty()) j["objective"] = objective_to_json(s.objective);
  return j;
}

}  // namespace looplab
