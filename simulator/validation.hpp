// The published validation set (data/validation/published.json) and `looplab validate`: predict
// every published measurement, report the errors, and fit the few parameters the model cannot
// source (the efficiency model's kernel ramp and overlap; each engine's host overheads) with
// leave-one-source-out cross-validation, so the figures quoted are out of sample.
#pragma once
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "engine/core/plan.hpp"
#include "simulator/model_fit.hpp"
#include "simulator/op_cost.hpp"

namespace looplab {

struct ValidationSource {
  std::string id, title, url, date;
};

struct ValidationPoint {
  std::string id;
  std::string source;  // the document it comes from
  std::string group;   // held out together (versions of one document share a group)
  Phase phase = Phase::decode;
  double seconds = 0;  // measured: one decode step at `batch`, or the whole prefill
  std::string hardware, engine, model;
  std::int64_t batch = 1;
  std::int64_t context = 1;  // decode: keys the step sees (on average); prefill: the prompt
  std::string published, conversion, doubts;
};

struct ValidationSet {
  std::vector<ValidationSource> sources;
  std::vector<ValidationPoint> points;
};

// Throws InputError naming the point and field.
ValidationSet load_validation_set(const std::string& path);
std::string default_validation_path();  // data/validation/published.json

enum class FitMode : std::uint8_t {
  priors,        // nothing fitted: default efficiency terms and the profiles' numbers
  in_sample,     // fitted on every point and evaluated on the same points
  leave_one_out  // per source group: fitted on the other groups, evaluated on this one
};
std::string_view to_string(FitMode m);

struct PointResult {
  std::size_t point = 0;  // index into ValidationSet::points
  double predicted_s = 0;
  double error = 0;  // (predicted - measured) / measured
};

struct ValidationReport {
  FitMode mode = FitMode::leave_one_out;
  std::vector<PointResult> results;  // one per point, in set order
  ModelFit fit_all;                  // fitted on every point (priors for FitMode::priors)
};

ValidationReport run_validation(const ValidationSet& set, FitMode mode);

struct ErrorStats {
  std::int64_t n = 0;
  double median_abs = 0, p90_abs = 0, mean = 0;
};
ErrorStats error_stats(std::span<const double> errors);

}  // namespace looplab
