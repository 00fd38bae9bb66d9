// Calibration files: the fitted factors per op kind with their provenance and error report.
#include <fstream>

#include "engine/core/atomic_file.hpp"
#include "engine/core/error.hpp"
#include "simulator/calibration.hpp"
#include "simulator/json_fields.hpp"

namespace looplab {

using nlohmann::json;

namespace {

constexpr const char* kFormat = "looplab-calibration-1";

json error_to_json(const ErrorSummary& e) {
  return {{"op_median", e.op_median}, {"op_p90", e.op_p90}, {"step_median", e.step_median},
          {"step_p90", e.step_p90},   {"ops", e.ops},       {"steps", e.steps}};
}

ErrorSummary error_from_json(const json& j, const std::string& f, const std::string& where) {
  jsonf::object(j, f, where);
  jsonf::only_keys(j, {"op_median", "op_p90", "step_median", "step_p90", "ops", "steps"}, f + ".", where);
  auto num = [&](const char* k) { return jsonf::number(jsonf::require(j, k, f + "." + k, where), f + "." + k, where); };
  auto integer = [&](const char* k) {
    return jsonf::integer(jsonf::require(j, k, f + "." + k, where), f + "." + k, where);
  };
  return {num("op_median"), num("op_p90"), num("step_median"), num("step_p90"), integer("ops"), integer("steps")};
}

std::optional<OpKind> parse_kind(std::string_view s) {
  for (int k = 0; k < kOpKindCount; ++k)
    if (to_string(static_cast<OpKind>(k)) == s) return static_cast<OpKind>(k);
  return std::nullopt;
}

bool get_bool(const json& j, const std::string& f, const std::string& where) {
  if (!j.is_boolean()) throw InputError(f, "expected true or false (in " + where + ")");
  return j.get<bool>();
}

}  // namespace

json calibration_to_json(const Calibration& c) {
  json kinds = json::object();
  for (int k = 0; k < kOpKindCount; ++k) {
    const KindFactors& f = c.kinds[static_cast<std::size_t>(k)];
    if (f.samples == 0) continue;
    kinds[std::string(to_string(static_cast<OpKind>(k)))] = {{"memory_efficiency", f.memory_efficiency},
                                                             {"compute_efficiency", f.compute_efficiency},
                                                             {"overhead_s", f.overhead_s},
                                                             {"samples", f.samples},
                                                             {"outliers", f.outliers},
                                                             {"memory_fitted", f.memory_fitted},
                                                             {"compute_fitted", f.compute_fitted},
                                                             {"overhead_fitted", f.overhead_fitted}};
  }
  return {{"format", kFormat},
          {"provenance",
           {{"hardware", c.provenance.hardware},
            {"engine_commit", c.provenance.engine_commit},
            {"date", c.provenance.date},
            {"records", c.provenance.records}}},
          {"ceiling", std::string(to_string(c.ceiling))},
          {"launch", std::string(to_string(c.launch))},
          {"kinds", kinds},
          {"error", {{"before", error_to_json(c.before)}, {"after", error_to_json(c.after)}}}};
}

Calibration calibration_from_json(const json& j, const std::string& where) {
  jsonf::object(j, "calibration", where);
  jsonf::only_keys(j, {"format", "provenance", "ceiling", "launch", "kinds", "error"}, "", where);
  const std::string format = jsonf::string(jsonf::require(j, "format", "format", where), "format", where);
  if (format != kFormat) throw InputError("format", "'" + format + "' is not " + kFormat + " (in " + where + ")");
  Calibration c;
  const json& p = jsonf::object(jsonf::require(j, "provenance", "provenance", where), "provenance", where);
  jsonf::only_keys(p, {"hardware", "engine_commit", "date", "records"}, "provenance.", where);
  auto str = [&](const char* k) {
    const std::string f = std::string("provenance.") + k;
    return jsonf::string(jsonf::require(p, k, f, where), f, where);
  };
  c.provenance = {str("hardware"), str("engine_commit"), str("date"), str("records")};
  const std::string ceiling = jsonf::string(jsonf::require(j, "ceiling", "ceiling", where), "ceiling", where);
  if (auto v = parse_ceiling(ceiling))
    c.ceiling = *v;
  else
    throw InputError("ceiling", "'" + ceiling + "' is not one of achievable, measured, datasheet (in " + where + ")");
  const std::string launch = jsonf::string(jsonf::require(j, "launch", "launch", where), "launch", where);
  if (auto v = parse_launch_mode(launch))
    c.launch = *v;
  else
    throw InputError("launch", "'" + launch + "' is not one of graph, stream (in " + where + ")");

  const json& kinds = jsonf::object(jsonf::require(j, "kinds", "kinds", where), "kinds", where);
  for (auto it = kinds.begin(); it != kinds.end(); ++it) {
    const std::string f = "kinds." + it.key();
    auto kind = parse_kind(it.key());
    if (!kind) throw InputError(f, "is not an op kind (in " + where + ")");
    const json& o = jsonf::object(*it, f, where);
    jsonf::only_keys(o,
                     {"memory_efficiency", "compute_efficiency", "overhead_s", "samples", "outliers", "memory_fitted",
                      "compute_fitted", "overhead_fitted"},
                     f + ".", where);
    KindFactors& k = c[*kind];
    auto num = [&](const char* key) {
      return jsonf::number(jsonf::require(o, key, f + "." + key, where), f + "." + key, where);
    };
    auto flag = [&](const char* key) {
      return get_bool(jsonf::require(o, key, f + "." + key, where), f + "." + key, where);
    };
    k.memory_efficiency = num("memory_efficiency");
    k.compute_efficiency = num("compute_efficiency");
    k.overhead_s = num("overhead_s");
    k.samples = jsonf::integer(jsonf::require(o, "samples", f + ".samples", where), f + ".samples", where);
    if (auto out = o.find("outliers"); out != o.end()) k.outliers = jsonf::integer(*out, f + ".outliers", where);
    k.memory_fitted = flag("memory_fitted");
    k.compute_fitted = flag("compute_fitted");
    k.overhead_fitted = flag("overhead_fitted");
    if (!(k.memory_efficiency > 0)) throw InputError(f + ".memory_efficiency", "must be > 0 (in " + where + ")");
    if (!(k.compute_efficiency > 0)) throw InputError(f + ".compute_efficiency", "must be > 0 (in " + where + ")");
    if (k.overhead_s < 0) throw InputError(f + ".overhead_s", "must be >= 0 (in " + where + ")");
  }
  if (auto e = j.find("error"); e != j.end()) {
    jsonf::object(*e, "error", where);
    jsonf::only_keys(*e, {"before", "after"}, "error.", where);
    c.before = error_from_json(jsonf::require(*e, "before", "error.before", where), "error.before", where);
    c.after = error_from_json(jsonf::require(*e, "after", "error.after", where), "error.after", where);
  }
  return c;
}

Calibration load_calibration(const std::string& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    throw InputError("calibration", "'" + file +
                                        "' is not a readable calibration file (calibration ids from the store "
                                        "are not supported yet)");
  return calibration_from_json(jsonf::parse_file(file, "calibration"), std::filesystem::path(file).filename().string());
}

void save_calibration(const Calibration& c, const std::string& file) {
  write_file_atomically(file, calibration_to_json(c).dump(2) + "\n");
}

}  // namespace looplab
