// Parsing a sweep's constraints and objective (sweep_select.hpp).
#include "simulator/sweep_select.hpp"

#include <algorithm>

#include "engine/core/error.hpp"
#include "simulator/json_fields.hpp"

namespace looplab {

using nlohmann::json;

const std::vector<std::string>& objective_metrics() {
  static const std::vector<std::string> names{
      "decode_step_s",      "decode_tokens_per_s",   "generate_s", "generate_tokens_per_s", "prefill_s", "kv_bytes",
      "memory_total_bytes", "decode_flops_per_token"};
  return names;
}

namespace {

std::optional<double> positive(const json& j, const char* key, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end()) return std::nullopt;
  const std::string field = std::string("constraints.") + key;
  const double v = jsonf::number(*it, field, where);
  if (!(v > 0)) throw InputError(field, "must be > 0 (in " + where + ")");
  return v;
}

}  // namespace

SweepConstraints constraints_from_json(const json& j, const std::string& where) {
  jsonf::object(j, "constraints", where);
  jsonf::only_keys(j,
                   {"max_decode_step_s", "min_decode_tokens_per_s", "max_generate_s", "min_generate_tokens_per_s",
                    "max_prefill_s", "max_kv_bytes", "max_memory_bytes", "fits_memory"},
                   "constraints.", where);
  SweepConstraints c;
  c.max_decode_step_s = positive(j, "max_decode_step_s", where);
  c.min_decode_tokens_per_s = positive(j, "min_decode_tokens_per_s", where);
  c.max_generate_s = positive(j, "max_generate_s", where);
  c.min_generate_tokens_per_s = positive(j, "min_generate_tokens_per_s", where);
  c.max_prefill_s = positive(j, "max_prefill_s", where);
  c.max_kv_bytes = positive(j, "max_kv_bytes", where);
  c.max_memory_bytes = positive(j, "max_memory_bytes", where);
  if (auto it = j.find("fits_memory"); it != j.end()) {
    if (!it->is_boolean()) throw InputError("constraints.fits_memory", "must be true or false (in " + where + ")");
    c.fits_memory = it->get<bool>();
  }
  return c;
}

SweepObjective objective_from_json(const json& j, const std::string& where) {
  jsonf::object(j, "objective", where);
  jsonf::only_keys(j, {"minimize", "maximize"}, "objective.", where);
  const bool min = j.contains("minimize"), max = j.contains("maximize");
  if (min == max) throw InputError("objective", "give exactly one of minimize or maximize (in " + where + ")");
  SweepObjective o;
  o.maximize = max;
  const char* key = max ? "maximize" : "minimize";
  o.metric = jsonf::string(j.at(key), std::string("objective.") + key, where);
  const auto& names = objective_metrics();
  if (std::find(names.begin(), names.end(), o.metric) == names.end()) {
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    throw InputError(std::string("objective.") + key,
                     "'" + o.metric + "' is not a column an objective can use: one of " + list + " (in " + where + ")");
  }
  return o;
}

json constraints_to_json(const SweepConstraints& c) {
  json j = {{"fits_memory", c.fits_memory}};
  auto put = [&j](const char* k, const std::optional<double>& v) {
    if (v) j[k] = *v;
  };
  put("max_decode_step_s", c.max_decode_step_s);
  put("min_decode_tokens_per_s", c.min_decode_tokens_per_s);
  put("max_generate_s", c.max_generate_s);
  put("min_generate_tokens_per_s", c.min_generate_tokens_per_s);
  put("max_prefill_s", c.max_prefill_s);
  put("max_kv_bytes", c.max_kv_bytes);
  put("max_memory_bytes", c.max_memory_bytes);
  return j;
}

json objective_to_json(const SweepObjective& o) {
  if (o.metric.empty()) return nullptr;
  return {{o.maximize ? "maximize" : "minimize", o.metric}};
}

}  // namespace looplab
