// Engine profile JSON: {"name", "description", "launch": "graph|stream",
//   "host_per_kernel_s": {value, source}, "step_overhead_s": {value, source},
//   "step_overhead_per_seq_s": {value, source}, "kernels_per_op": {"attn_norm": 0, ...},
//   "decode_split_tokens": -1|0|N, "attention_efficiency": {value, source}, "fitted": [...]}
#include "simulator/engine_profile.hpp"

#include <algorithm>
#include <filesystem>

#include "engine/core/config.hpp"
#include "engine/core/error.hpp"
#include "simulator/json_fields.hpp"
#include "simulator/model_fit.hpp"

namespace looplab {

using nlohmann::json;

namespace {

const char* const kFittable[] = {"host_per_kernel_s", "step_overhead_s", "step_overhead_per_seq_s",
                                 "request_overhead_s", "gemm_sm_caps"};

SourcedValue read_sourced(const json& obj, const std::string& key, const std::string& where, double lo, double hi) {
  const json& v = jsonf::object(jsonf::require(obj, key, key, where), key, where);
  jsonf::only_keys(v, {"value", "source"}, key + ".", where);
  SourcedValue s;
  s.value = jsonf::number(jsonf::require(v, "value", key + ".value", where), key + ".value", where);
  s.source = jsonf::string(jsonf::require(v, "source", key + ".source", where), key + ".source", where);
  if (s.source.empty()) throw InputError(key + ".source", "must say where the number comes from (in " + where + ")");
  if (!(s.value >= lo && s.value <= hi))
    throw InputError(key + ".value",
                     "must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "] (in " + where + ")");
  return s;
}

std::optional<OpKind> parse_kind(std::string_view s) {
  for (int k = 0; k < kOpKindCount; ++k)
    if (to_string(static_cast<OpKind>(k)) == s) return static_cast<OpKind>(k);
  return std::nullopt;
}

json sourced_json(const SourcedValue& v) { return {{"value", v.value}, {"source", v.source}}; }

}  // namespace

EngineProfile roofline_engine_profile(LaunchMode launch) {
  EngineProfile e;
  e.name = launch == LaunchMode::graph ? "roofline-graph" : "roofline-stream";
  e.description = "the plain roofline: one kernel per op, no host or engine time";
  e.launch = launch;
  e.kernels_per_op.fill(1.0);
  return e;
}

const EngineProfile& looplab_engine_profile(LaunchMode launch) {
  // Loaded once (function-local statics initialize thread-safely).
  static const EngineProfile graph = load_engine_profile("looplab-graph");
  static const EngineProfile stream = load_engine_profile("looplab-stream");
  return launch == LaunchMode::graph ? graph : stream;
}

EngineProfile engine_profile_from_json(const json& j, const std::string& name, const std::string& where) {
  jsonf::object(j, "engine", where);
  jsonf::only_keys(
      j,
      {"name", "description", "notes", "launch", "host_per_kernel_s", "step_overhead_s", "step_overhead_per_seq_s",
       "kernels_per_op", "decode_split_tokens", "attention_efficiency", "gemm_sm_bandwidth_bytes_per_s",
       "gemm_sm_flops", "attention_score_bytes", "request_overhead_s", "fitted"},
      "", where);
  EngineProfile e;
  e.name = name;
  e.kernels_per_op.fill(1.0);
  if (auto it = j.find("name"); it != j.end()) e.name = jsonf::string(*it, "name", where);
  e.description = jsonf::string(jsonf::require(j, "description", "description", where), "description", where);
  if (auto it = j.find("notes"); it != j.end()) (void)jsonf::string(*it, "notes", where);
  const std::string launch = jsonf::string(jsonf::require(j, "launch", "launch", where), "launch", where);
  auto mode = parse_launch_mode(launch);
  if (!mode) throw InputError("launch", "'" + launch + "' is not one of graph, stream (in " + where + ")");
  e.launch = *mode;
  e.host_per_kernel_s = read_sourced(j, "host_per_kernel_s", where, 0, 1e-3);
  e.step_overhead_s = read_sourced(j, "step_overhead_s", where, 0, 1.0);
  e.step_overhead_per_seq_s = read_sourced(j, "step_overhead_per_seq_s", where, 0, 1e-2);
  e.attention_efficiency = read_sourced(j, "attention_efficiency", where, 1e-3, 1.0);
  if (j.contains("request_overhead_s")) e.request_overhead_s = read_sourced(j, "request_overhead_s", where, 0, 10.0);
  if (j.contains("gemm_sm_bandwidth_bytes_per_s"))
    e.gemm_sm_bandwidth_bytes_per_s = read_sourced(j, "gemm_sm_bandwidth_bytes_per_s", where, 0, 1e12);
  if (j.contains("gemm_sm_flops")) e.gemm_sm_flops = read_sourced(j, "gemm_sm_flops", where, 0, 1e15);
  if (j.contains("attention_score_bytes"))
    e.attention_score_bytes = read_sourced(j, "attention_score_bytes", where, 0, 64);
  if (auto it = j.find("kernels_per_op"); it != j.end()) {
    jsonf::object(*it, "kernels_per_op", where);
    for (const auto& [key, v] : it->items()) {
      auto kind = parse_kind(key);
      if (!kind) throw InputError("kernels_per_op." + key, "is not an op kind (in " + where + ")");
      const double n = jsonf::number(v, "kernels_per_op." + key, where);
      if (!(n >= 0 && n <= 100)) throw InputError("kernels_per_op." + key, "must be in 0..100 (in " + where + ")");
      e.kernels_per_op[static_cast<std::size_t>(*kind)] = n;
    }
  }
  if (auto it = j.find("decode_split_tokens"); it != j.end()) {
    e.decode_split_tokens = jsonf::integer(*it, "decode_split_tokens", where);
    if (e.decode_split_tokens < -1)
      throw InputError("decode_split_tokens",
                       "must be -1 (fill the SMs), 0 (no split) or a key count (in " + where + ")");
  }
  if (auto it = j.find("fitted"); it != j.end()) {
    jsonf::array(*it, "fitted", where);
    for (const json& f : *it) {
      const std::string s = jsonf::string(f, "fitted", where);
      if (std::find(std::begin(kFittable), std::end(kFittable), s) == std::end(kFittable))
        throw InputError("fitted",
                         "'" + s +
                             "' is not fittable: host_per_kernel_s, step_overhead_s, step_overhead_per_seq_s, "
                             "request_overhead_s, gemm_sm_caps (in " +
                             where + ")");
      e.fitted.push_back(s);
    }
  }
  return e;
}

json engine_profile_to_json(const EngineProfile& e) {
  json kernels = json::object();
  for (int k = 0; k < kOpKindCount; ++k)
    if (e.kernels_per_op[static_cast<std::size_t>(k)] != 1.0)
      kernels[std::string(to_string(static_cast<OpKind>(k)))] = e.kernels_per_op[static_cast<std::size_t>(k)];
  return json{{"name", e.name},
              {"description", e.description},
              {"launch", std::string(to_string(e.launch))},
              {"host_per_kernel_s", sourced_json(e.host_per_kernel_s)},
              {"step_overhead_s", sourced_json(e.step_overhead_s)},
              {"step_overhead_per_seq_s", sourced_json(e.step_overhead_per_seq_s)},
              {"request_overhead_s", sourced_json(e.request_overhead_s)},
              {"kernels_per_op", kernels},
              {"decode_split_tokens", e.decode_split_tokens},
              {"attention_efficiency", sourced_json(e.attention_efficiency)},
              {"gemm_sm_bandwidth_bytes_per_s", sourced_json(e.gemm_sm_bandwidth_bytes_per_s)},
              {"gemm_sm_flops", sourced_json(e.gemm_sm_flops)},
              {"attention_score_bytes", sourced_json(e.attention_score_bytes)},
              {"fitted", e.fitted}};
}

std::vector<std::string> engine_profile_names() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& f : std::filesystem::directory_iterator(data_dir() / "engines", ec))
    if (f.path().extension() == ".json") names.push_back(f.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

EngineProfile load_engine_profile(const std::string& name_or_path, ProfileFit fit) {
  namespace fs = std::filesystem;
  fs::path p = name_or_path;
  const bool looks_like_path = name_or_path.find('/') != std::string::npos || p.extension() == ".json";
  if (!looks_like_path) p = data_dir() / "engines" / (name_or_path + ".json");
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) {
    std::string known;
    for (const auto& n : engine_profile_names()) known += (known.empty() ? "" : ", ") + n;
    throw InputError("engine", "'" + name_or_path + "' is not a known profile (" + known + ") or a readable JSON file");
  }
  EngineProfile e =
      engine_profile_from_json(jsonf::parse_file(p.string(), "engine"), p.stem().string(), p.filename().string());
  const auto& project = project_fit();
  if (fit == ProfileFit::priors || !project) return e;
  auto it = project->engines.find(e.name);
  if (it == project->engines.end() || !it->second.from_data) return e;
  const std::string source = "fitted by `looplab validate --write-fit` on " + project->provenance +
                             " (data/validation/fit.json; its cross-validated error in docs/studies/validation.md)";
  for (const std::string& f : e.fitted) {
    if (f == "host_per_kernel_s") e.host_per_kernel_s = {it->second.host_per_kernel_s, source};
    if (f == "step_overhead_s") e.step_overhead_s = {it->second.step_overhead_s, source};
    if (f == "step_overhead_per_seq_s") e.step_overhead_per_seq_s = {it->second.step_overhead_per_seq_s, source};
    if (f == "request_overhead_s") e.request_overhead_s = {it->second.request_overhead_s, source};
    if (f == "gemm_sm_caps") {
      e.gemm_sm_bandwidth_bytes_per_s = {it->second.gemm_sm_bandwidth_bytes_per_s, source};
      e.gemm_sm_flops = {it->second.gemm_sm_flops, source};
    }
  }
  return e;
}

}  // namespace looplab
