// Suite parsing (suite.hpp): defaults, then each workload's own keys over them; every request is
// validated here, so a suite that loads is a suite that can run.
#include "lab/suite.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include "engine/core/error.hpp"
#include "simulator/json_fields.hpp"

namespace looplab::lab {

using nlohmann::json;

namespace {

// The problem part of an InputError's message ("field: problem"), to name the field anew.
std::string problem_of(const InputError& e) {
  const std::string what = e.what();
  const std::size_t colon = what.find(": ");
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

// validate_request names the command line's options; a suite names its own keys.
std::string suite_key(const std::string& option) {
  static const std::map<std::string, std::string> keys{{"prompt-len", "prompt"},   {"decode-steps", "decode_steps"},
                                                       {"repeat", "repeats"},      {"min-time", "min_time_s"},
                                                       {"max-time", "max_time_s"}, {"target-ci", "target_ci_pct"}};
  auto it = keys.find(option);
  return it == keys.end() ? option : it->second;
}

void apply_measure_keys(const json& j, MeasureRequest& r, const std::string& prefix, const std::string& where) {
  auto integer = [&](const char* key, std::int64_t& field) {
    if (auto it = j.find(key); it != j.end()) field = jsonf::integer(*it, prefix + key, where);
  };
  auto number = [&](const char* key, double& field) {
    if (auto it = j.find(key); it != j.end()) field = jsonf::number(*it, prefix + key, where);
  };
  if (auto it = j.find("backend"); it != j.end()) r.backend = jsonf::string(*it, prefix + "backend", where);
  if (auto it = j.find("threads"); it != j.end()) {
    // "all", "available" or a count, as a string or a number
    r.threads = it->is_number_integer() ? std::to_string(it->get<std::int64_t>())
                                        : jsonf::string(*it, prefix + "threads", where);
  }
  integer("batch", r.batch);
  integer("prompt", r.prompt_len);
  integer("decode_steps", r.decode_steps);
  integer("warmup", r.warmup);
  integer("repeats", r.repeats);
  number("min_time_s", r.min_time_s);
  number("max_time_s", r.max_time_s);
  if (auto it = j.find("target_ci_pct"); it != j.end())
    r.target_ci = jsonf::number(*it, prefix + "target_ci_pct", where) / 100.0;
  if (auto it = j.find("seed"); it != j.end()) {
    const std::int64_t s = jsonf::integer(*it, prefix + "seed", where);
    if (s < 0) throw InputError(prefix + "seed", "must be >= 0 (in " + where + ")");
    r.seed = static_cast<std::uint64_t>(s);
  }
  if (auto it = j.find("cuda_graphs"); it != j.end()) {
    if (!it->is_boolean()) throw InputError(prefix + "cuda_graphs", "must be true or false (in " + where + ")");
    r.cuda_graphs = it->get<bool>();
  }
}

Thresholds parse_thresholds(const json& j, const std::string& field, const std::string& where) {
  Thresholds out;
  jsonf::object(j, field, where);
  for (const auto& [metric, v] : j.items()) {
    const auto& names = gate_metric_names();
    if (std::find(names.begin(), names.end(), metric) == names.end())
      throw InputError(field + "." + metric,
                       "is not a gate metric: one of " + gate_metric_list() + " (in " + where + ")");
    const double t = jsonf::number(v, field + "." + metric, where);
    if (!(t >= 0 && t < 1))
      throw InputError(field + "." + metric, "must be a relative threshold in [0, 1), e.g. 0.05 (in " + where + ")");
    out[metric] = t;
  }
  return out;
}

// The workload's model: a preset (or JSON file) with variant, loops, window and any other config
// field of "config" written over it, validated.
ModelConfig workload_config(const json& w, const std::string& prefix, const std::string& where) {
  const std::string model = jsonf::string(jsonf::require(w, "model", prefix + "model", where), prefix + "model", where);
  json c = config_to_json(load_model(model));
  if (auto it = w.find("config"); it != w.end()) {
    jsonf::object(*it, prefix + "config", where);
    for (const auto& [k, v] : it->items()) {
      if (!c.contains(k)) throw InputError(prefix + "config." + k, "is not a model config field (in " + where + ")");
      c[k] = v;
    }
  }
  for (const char* k : {"variant", "loops", "window"})
    if (auto it = w.find(k); it != w.end()) c[k] = *it;
  try {
    return config_from_json(c, where);
  } catch (const InputError& e) {
    throw InputError(prefix + e.field(), problem_of(e));
  }
}

}  // namespace

std::string gate_metric_list() {
  std::string out;
  for (const std::string& m : gate_metric_names()) out += (out.empty() ? "'" : ", '") + m + "'";
  return out;
}

double default_threshold(const std::string& metric, double fallback) { return metric == "kv bytes" ? 0.0 : fallback; }

Suite suite_from_json(const json& j, const std::string& where) {
  jsonf::object(j, "suite", where);
  jsonf::only_keys(j, {"name", "description", "defaults", "thresholds", "workloads"}, "", where);
  Suite s;
  if (auto it = j.find("name"); it != j.end()) s.name = jsonf::string(*it, "name", where);
  if (auto it = j.find("description"); it != j.end()) s.description = jsonf::string(*it, "description", where);
  MeasureRequest defaults;
  defaults.backend = "cpu";
  if (auto it = j.find("defaults"); it != j.end()) {
    jsonf::object(*it, "defaults", where);
    jsonf::only_keys(*it,
                     {"backend", "batch", "prompt", "decode_steps", "threads", "warmup", "repeats", "min_time_s",
                      "max_time_s", "target_ci_pct", "seed", "cuda_graphs"},
                     "defaults.", where);
    apply_measure_keys(*it, defaults, "defaults.", where);
  }
  Thresholds suite_thresholds;
  for (const std::string& m : gate_metric_names()) suite_thresholds[m] = default_threshold(m);
  if (auto it = j.find("thresholds"); it != j.end())
    for (const auto& [m, t] : parse_thresholds(*it, "thresholds", where)) suite_thresholds[m] = t;
  const json& ws = jsonf::array(jsonf::require(j, "workloads", "workloads", where), "workloads", where);
  if (ws.empty()) throw InputError("workloads", "is empty: list at least one workload (in " + where + ")");
  std::set<std::string> names, keys;
  for (std::size_t i = 0; i < ws.size(); ++i) {
    const std::string prefix = "workloads[" + std::to_string(i) + "].";
    const json& w = jsonf::object(ws[i], "workloads[" + std::to_string(i) + "]", where);
    jsonf::only_keys(w,
                     {"name", "model", "variant", "loops", "window", "config", "thresholds", "backend", "batch",
                      "prompt", "decode_steps", "threads", "warmup", "repeats", "min_time_s", "max_time_s",
                      "target_ci_pct", "seed", "cuda_graphs"},
                     prefix, where);
    SuiteWorkload sw;
    sw.name = jsonf::string(jsonf::require(w, "name", prefix + "name", where), prefix + "name", where);
    if (sw.name.empty() || sw.name.find_first_of(" \t\n/") != std::string::npos)
      throw InputError(prefix + "name", "must be a non-empty word without spaces or slashes (in " + where + ")");
    if (!names.insert(sw.name).second)
      throw InputError(prefix + "name", "'" + sw.name + "' names two workloads (in " + where + ")");
    sw.request = defaults;
    sw.request.config = workload_config(w, prefix, where);
    apply_measure_keys(w, sw.request, prefix, where);
    try {
      validate_request(sw.request);
    } catch (const InputError& e) {
      throw InputError(prefix + suite_key(e.field()), problem_of(e) + " (in " + where + ")");
    }
    sw.thresholds = suite_thresholds;
    if (auto it = w.find("thresholds"); it != w.end())
      for (const auto& [m, t] : parse_thresholds(*it, prefix + "thresholds", where)) sw.thresholds[m] = t;
    if (!keys.insert(work_key(sw)).second)
      throw InputError(prefix + "name",
                       "'" + sw.name + "' does the same work as an earlier workload (in " + where + ")");
    s.workloads.push_back(std::move(sw));
  }
  return s;
}

Suite load_suite(const std::string& file) {
  const std::string where = std::filesystem::path(file).filename().string();
  return suite_from_json(jsonf::parse_file(file, "suite"), where);
}

std::string work_key(const std::string& config_json, std::int64_t batch, std::int64_t prompt_len,
                     std::int64_t decode_steps) {
  // Canonical: a vanilla model runs one loop and only plt has a window, whatever the JSON says
  // (runs stored before the config was canonicalised say a vanilla preset's loops).
  json c = json::parse(config_json, nullptr, false);
  std::string text = config_json;
  if (c.is_object()) {
    const std::string variant = c.value("variant", "");
    if (variant == "vanilla") c["loops"] = 1;
    if (variant != "plt") c.erase("window");
    text = c.dump();
  }
  return text + "|" + std::to_string(batch) + "|" + std::to_string(prompt_len) + "|" + std::to_string(decode_steps);
}

std::string work_key(const SuiteWorkload& w) {
  return work_key(config_to_json(w.request.config).dump(), w.request.batch, w.request.prompt_len,
                  w.request.decode_steps);
}

}  // namespace looplab::lab
