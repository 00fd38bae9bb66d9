// Figures derived from a run's rows, shared by `looplab run`, `looplab runs` and the GUI:
// distributions (median, p10, p90), the per-op-kind measured-vs-predicted table, run stats and
// the comparison of two runs.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/records.hpp"

namespace looplab::store {

struct Distribution {
  double median_s = 0, p10_s = 0, p90_s = 0;
  std::int64_t samples = 0;
};
// Percentiles by linear interpolation between order statistics (p10 of {1..11} is 2).
// An empty input gives samples = 0 and zeros.
Distribution distribution(std::vector<double> samples_s);

// One line of the measured-vs-predicted table. kind "step" is the whole step (wall time of the
// step measured, sum of its ops predicted); other kinds sum that kind's ops within one step.
struct KindRow {
  std::string phase;  // prefill | decode
  std::string kind;
  Distribution measured;               // over (repeat, step) samples
  std::optional<double> predicted_s;   // mean over the phase's steps
  std::optional<double> error_pct;     // (predicted - measured median) / measured median * 100
};
// Kinds in plan order within each phase (prefill first), each phase ending with "step".
std::vector<KindRow> kind_table(const RunRows& rows);

// The summary figures finish_run() stores.
RunStats run_stats(const RunRows& rows);

// A against B: per phase and op kind, and per step index (median over repeats of step time).
struct CompareRow {
  std::string phase;
  std::string what;  // op kind, "step", or "step N"
  std::optional<double> a_s, b_s;
  std::optional<double> ratio;   // b / a
  std::optional<double> diff_s;  // b - a
};
std::vector<CompareRow> compare_by_kind(const RunRows& a, const RunRows& b);
std::vector<CompareRow> compare_by_step(const RunRows& a, const RunRows& b);

}  // namespace looplab::store
