// Running a sweep: resolve the spec (load models, hardware, calibration; drop duplicate points),
// cost every point with the fast decode coster, and flag the Pareto front of each workload.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/config.hpp"
#include "simulator/calibration.hpp"
#include "simulator/hardware.hpp"
#include "simulator/predict.hpp"
#include "simulator/sweep_spec.hpp"

namespace looplab {

// Above this many points a sweep needs an explicit --max-points.
inline constexpr std::int64_t kSweepPointLimit = 100000;

struct ResolvedSweep {
  SweepSpec spec;
  std::vector<ModelConfig> configs;  // unique (model, variant, loops, window), canonical
  std::vector<HardwareSpec> hardware;
  std::optional<Calibration> calibration;
  std::int64_t grid_points = 0;  // the product of the axes as written
  std::int64_t points = 0;       // configs x hardware x batches x contexts
};

// Loads everything the sweep names; throws InputError naming the key before any point runs.
// Canonical configs: vanilla runs one loop whatever `loops` says, and only plt has a window, so
// such duplicates run once.
ResolvedSweep resolve_sweep(const SweepSpec& spec);

// Throws InputError("max-points") when points > max_points, or > kSweepPointLimit without one.
void check_point_limit(std::int64_t points, std::optional<std::int64_t> max_points);

struct SweepRow {
  std::string hardware;
  std::string model;
  Variant variant = Variant::vanilla;
  std::int64_t loops = 1;
  std::int64_t window = 0;  // 0 when the variant has no window
  std::int64_t batch = 1, context = 1, prompt = 1, generate = 0;
  DType dtype = DType::bf16;
  bool calibrated = false;
  double decode_step_s = 0;
  double decode_tokens_per_s = 0;
  double decode_flops_per_token = 0;  // the "compute" objective: test-time compute per token
  double decode_bytes = 0;
  double decode_weight_bytes = 0;
  double decode_kv_read_bytes = 0;
  Bound decode_bound = Bound::memory;
  double prefill_s = 0;
  double generate_s = 0;  // prefill + the decode steps of `generate` tokens
  double generate_tokens_per_s = 0;
  std::int64_t kv_bytes = 0;
  std::int64_t weight_bytes = 0;
  std::int64_t activation_peak_bytes = 0;
  std::int64_t memory_total_bytes = 0;
  std::int64_t device_bytes = 0;
  MemoryVerdict verdict = MemoryVerdict::fits;
  bool feasible = true;  // meets every constraint of the spec (fits_memory by default)
  bool pareto = false;   // on the front of its workload (hardware, batch, context), feasible points only
  bool best = false;     // the best feasible point of the whole sweep under the spec's objective
};

struct SweepResult {
  std::vector<SweepRow> rows;
  std::int64_t pareto_rows = 0;
  std::int64_t oom_rows = 0;
  std::int64_t infeasible_rows = 0;  // break a constraint (out-of-memory points included by default)
  std::optional<std::size_t> best;   // index of the objective's best feasible row
};

using SweepProgress = std::function<void(std::int64_t done, std::int64_t total)>;

// Pareto front per workload (same hardware, batch, context): minimise decode step latency and
// KV bytes, maximise compute (FLOPs per generated token), among the points that meet the spec's
// constraints (by default: fit the device's memory). With an objective, the best feasible point
// of the sweep is marked too.
SweepResult run_sweep(const ResolvedSweep& sweep, const SweepProgress& progress = {});

// A row's value of an objective column (sweep_select.hpp's objective_metrics()).
double objective_value(const SweepRow& r, const std::string& metric);

// Marks SweepRow::pareto among the feasible rows (exposed for tests); returns how many are on a front.
std::int64_t mark_pareto(std::vector<SweepRow>& rows);

}  // namespace looplab
