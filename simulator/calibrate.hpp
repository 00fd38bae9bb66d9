// Calibration fit: per op kind, least squares for (1/memory efficiency, 1/compute efficiency,
// fixed overhead) in t = max(F/peak * x_c, B/bw * x_m) + o, alternating between assigning each
// record to its bound and solving the linear problem, with relative (1/t) weights, then refitting
// on the inliers (timing outliers: relative residual beyond 3 robust sigmas of the median).
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "engine/core/plan.hpp"
#include "simulator/calibration.hpp"
#include "simulator/op_cost.hpp"

namespace looplab {

// One measured op, with the FLOPs and bytes the simulator counts for it and their uncalibrated
// times at the ceiling, so records of different dtypes fit together. On the host these are the
// plain roofline's; on a GPU they include the efficiency model's shape terms (tiles and waves,
// attention parallelism), so a calibration's factors scale the model rather than duplicate it.
struct OpSample {
  OpKind kind = OpKind::embed;
  double flops = 0;
  double bytes = 0;
  double roof_compute_s = 0;  // flops / peak (x the GEMM tile factor on a GPU)
  double roof_memory_s = 0;   // bytes / bandwidth (/ the attention's parallel fraction on a GPU)
  double measured_s = 0;
  std::int64_t step = 0;  // samples of one step share it (step error = error of their sums)
};

// One sample per plan op: measured_s[i] is the time of plan.ops[i]. `params`, made without a
// calibration, gives the counts and the uncalibrated times. Throws InputError("op_time_s") on a
// length mismatch or a non-positive time.
void append_step_samples(const StepPlan& plan, const CostParams& params, std::span<const double> measured_s,
                         std::int64_t step, std::vector<OpSample>& out);

// What the fit and the error report need besides the samples.
struct FitBasis {
  double launch_s = 0;  // overhead used where a kind's overhead is not fitted
};
FitBasis fit_basis(const HardwareSpec& hw, Ceiling ceiling, LaunchMode launch);

// Predicted time of a sample under the given factors.
double sample_time_s(const OpSample& s, const KindFactors& f, const FitBasis& b);

// Errors of the factors on the samples (uncalibrated: default-constructed Calibration kinds).
ErrorSummary evaluate(std::span<const OpSample> samples, const std::array<KindFactors, kOpKindCount>& kinds,
                      const FitBasis& b);

// Fits every kind that has samples; fills `before` (default factors) and `after`.
Calibration fit_calibration(std::span<const OpSample> samples, const FitBasis& basis,
                            const CalibrationProvenance& provenance, Ceiling ceiling, LaunchMode launch);

}  // namespace looplab
