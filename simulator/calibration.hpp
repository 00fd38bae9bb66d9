// Calibration: per-op-kind efficiency factors fitted from measured op times, with provenance.
// A prediction applies them through CostParams (op_cost.hpp); calibrate.hpp fits them.
#pragma once
#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/core/plan.hpp"
#include "simulator/hardware.hpp"

namespace looplab {

// time = max(flops / (peak * compute_efficiency), bytes / (bandwidth * memory_efficiency)) + overhead_s
struct KindFactors {
  double memory_efficiency = 1.0;
  double compute_efficiency = 1.0;
  double overhead_s = 0.0;       // replaces the launch overhead when overhead_fitted
  std::int64_t samples = 0;      // records of this kind the fit saw
  std::int64_t outliers = 0;     // of those, left out of the final fit (see calibrate.hpp)
  bool memory_fitted = false;    // false: no memory-bound record, the default 1.0 stays
  bool compute_fitted = false;   // false: no compute-bound record, the default 1.0 stays
  bool overhead_fitted = false;  // false: the hardware's launch overhead stays
  friend bool operator==(const KindFactors&, const KindFactors&) = default;
};

// Relative error |predicted - measured| / measured, summarised.
struct ErrorSummary {
  double op_median = 0, op_p90 = 0;      // over op records
  double step_median = 0, step_p90 = 0;  // over steps (sum of a step's ops)
  std::int64_t ops = 0, steps = 0;
  friend bool operator==(const ErrorSummary&, const ErrorSummary&) = default;
};

struct CalibrationProvenance {
  std::string hardware;       // spec name the records were measured on
  std::string engine_commit;  // engine build that produced the records
  std::string date;           // UTC, ISO 8601, when the fit ran
  std::string records;        // where the records came from (file name or store run ids)
  friend bool operator==(const CalibrationProvenance&, const CalibrationProvenance&) = default;
};

struct Calibration {
  CalibrationProvenance provenance;
  Ceiling ceiling = Ceiling::measured;            // the efficiencies are relative to this ceiling
  LaunchMode launch = LaunchMode::graph;          // overheads not fitted fall back to this mode
  std::array<KindFactors, kOpKindCount> kinds{};  // indexed by OpKind
  ErrorSummary before, after;                     // on the records it was fitted on
  const KindFactors& operator[](OpKind k) const { return kinds[static_cast<std::size_t>(k)]; }
  KindFactors& operator[](OpKind k) { return kinds[static_cast<std::size_t>(k)]; }
  friend bool operator==(const Calibration&, const Calibration&) = default;
};

nlohmann::json calibration_to_json(const Calibration& c);
// Throws InputError naming the key.
Calibration calibration_from_json(const nlohmann::json& j, const std::string& where);
// `--calibration FILE`: a JSON file written by `looplab calibrate`. (Store ids come with the store.)
Calibration load_calibration(const std::string& file);
void save_calibration(const Calibration& c, const std::string& file);

}  // namespace looplab
