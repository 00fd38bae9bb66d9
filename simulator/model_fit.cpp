// data/validation/fit.json: read once per process, written by `looplab validate --write-fit`.
#include "simulator/model_fit.hpp"

#include <filesystem>
#include <utility>

#include "engine/core/config.hpp"
#include "engine/core/error.hpp"
#include "simulator/json_fields.hpp"

namespace looplab {

using nlohmann::json;

std::string default_fit_path() { return (data_dir() / "validation" / "fit.json").string(); }

json model_fit_to_json(const ModelFit& f) {
  json engines = json::object();
  for (const auto& [name, e] : f.engines)
    engines[name] = {{"host_per_kernel_s", e.host_per_kernel_s},
                     {"step_overhead_s", e.step_overhead_s},
                     {"step_overhead_per_seq_s", e.step_overhead_per_seq_s},
                     {"request_overhead_s", e.request_overhead_s},
                     {"gemm_sm_bandwidth_bytes_per_s", e.gemm_sm_bandwidth_bytes_per_s},
                     {"gemm_sm_flops", e.gemm_sm_flops},
                     {"from_data", e.from_data}};
  return json{
      {"about",
       "Written by `looplab validate --write-fit`: the efficiency terms and engine overheads fitted on every "
       "point of data/validation/published.json. `figures` are the errors of the same procedure when each "
       "source is held out (leave-one-source-out), in sample, and with the priors alone."},
      {"provenance", f.provenance},
      {"efficiency",
       {{"ramp_s", f.efficiency.ramp_s}, {"overlap", f.efficiency.overlap}, {"tile_alpha", f.efficiency.tile_alpha}}},
      {"engines", engines},
      {"figures", f.figures}};
}

ModelFit model_fit_from_json(const json& j, const std::string& where) {
  jsonf::object(j, "fit", where);
  jsonf::only_keys(j, {"about", "provenance", "efficiency", "engines", "figures"}, "", where);
  ModelFit f;
  f.provenance = jsonf::string(jsonf::require(j, "provenance", "provenance", where), "provenance", where);
  const json& e = jsonf::object(jsonf::require(j, "efficiency", "efficiency", where), "efficiency", where);
  jsonf::only_keys(e, {"ramp_s", "overlap", "tile_alpha"}, "efficiency.", where);
  if (auto it = e.find("tile_alpha"); it != e.end())
    f.efficiency.tile_alpha = jsonf::number(*it, "efficiency.tile_alpha", where);
  f.efficiency.ramp_s =
      jsonf::number(jsonf::require(e, "ramp_s", "efficiency.ramp_s", where), "efficiency.ramp_s", where);
  f.efficiency.overlap =
      jsonf::number(jsonf::require(e, "overlap", "efficiency.overlap", where), "efficiency.overlap", where);
  if (f.efficiency.ramp_s < 0 || f.efficiency.overlap < 0 || f.efficiency.overlap > 1 || f.efficiency.tile_alpha < 0 ||
      f.efficiency.tile_alpha > 2)
    throw InputError("efficiency", "ramp_s must be >= 0, overlap in [0, 1], tile_alpha in [0, 2] (in " + where + ")");
  const json& engines = jsonf::object(jsonf::require(j, "engines", "engines", where), "engines", where);
  for (const auto& [name, v] : engines.items()) {
    const std::string at = "engines." + name;
    jsonf::object(v, at, where);
    jsonf::only_keys(v,
                     {"host_per_kernel_s", "step_overhead_s", "step_overhead_per_seq_s", "request_overhead_s",
                      "gemm_sm_bandwidth_bytes_per_s", "gemm_sm_flops", "from_data"},
                     at + ".", where);
    EngineFit ef;
    ef.host_per_kernel_s = jsonf::number(jsonf::require(v, "host_per_kernel_s", at, where), at, where);
    ef.step_overhead_s = jsonf::number(jsonf::require(v, "step_overhead_s", at, where), at, where);
    ef.step_overhead_per_seq_s = jsonf::number(jsonf::require(v, "step_overhead_per_seq_s", at, where), at, where);
    for (auto [key, dst] :
         {std::pair{"gemm_sm_bandwidth_bytes_per_s", &ef.gemm_sm_bandwidth_bytes_per_s},
          std::pair{"gemm_sm_flops", &ef.gemm_sm_flops}, std::pair{"request_overhead_s", &ef.request_overhead_s}})
      if (auto it = v.find(key); it != v.end()) *dst = jsonf::number(*it, at + "." + key, where);
    if (auto it = v.find("from_data"); it != v.end() && it->is_boolean()) ef.from_data = it->get<bool>();
    if (ef.host_per_kernel_s < 0 || ef.step_overhead_s < 0 || ef.step_overhead_per_seq_s < 0 ||
        ef.gemm_sm_bandwidth_bytes_per_s < 0 || ef.gemm_sm_flops < 0 || ef.request_overhead_s < 0)
      throw InputError(at, "overheads must be >= 0 (in " + where + ")");
    f.engines.emplace(name, ef);
  }
  if (auto it = j.find("figures"); it != j.end()) f.figures = *it;
  return f;
}

const std::optional<ModelFit>& project_fit() {
  static const std::optional<ModelFit> fit = []() -> std::optional<ModelFit> {
    const std::string path = default_fit_path();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
    return model_fit_from_json(jsonf::parse_file(path, "fit"), "fit.json");
  }();
  return fit;
}

}  // namespace looplab
