// The fitted part of the GPU model: the efficiency terms and each engine's host overheads that
// no publication gives, fitted by `looplab validate --write-fit` on the published validation set
// and kept in data/validation/fit.json with the cross-validated errors of the procedure. Engine
// profiles and predictions pick it up; the fit itself starts from the profiles' priors only.
#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace looplab {

struct EngineFit {
  double host_per_kernel_s = 0, step_overhead_s = 0, step_overhead_per_seq_s = 0, request_overhead_s = 0;
  double gemm_sm_bandwidth_bytes_per_s = 0, gemm_sm_flops = 0;  // 0: no cap
  bool from_data = false;  // false: the profile's prior (the engine had no training point)
};

struct FittedEfficiency {
  double ramp_s = 0, overlap = 0, tile_alpha = 0;
};

struct ModelFit {
  FittedEfficiency efficiency;
  std::map<std::string, EngineFit> engines;
  std::string provenance;  // "78 points from 15 sources (published.json), 2026-12-02"
  nlohmann::json figures;  // error figures per fit mode, as `looplab validate --json` reports them
};

std::string default_fit_path();  // data/validation/fit.json
nlohmann::json model_fit_to_json(const ModelFit& f);
// Throws InputError naming the key.
ModelFit model_fit_from_json(const nlohmann::json& j, const std::string& where);
// The project's fit, read once; nullopt when data/validation/fit.json is absent.
const std::optional<ModelFit>& project_fit();

}  // namespace looplab
