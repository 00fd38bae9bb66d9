// Figures derived from a run's rows, shared by `looplab run`, `looplab runs` and the GUI, so that
// "measured" means the same everywhere (docs/profiler.md, "What measured means"):
//   - a step's measured time is its wall time (first op's start to the step's end);
//   - an op kind's measured time in a step is the sum of that kind's ops in the step (device time
//     on a GPU, the host span on a CPU);
//   - a step's unattributed time is its wall time minus the sum of all its ops;
//   - a table row (kind, unattributed or step) is the distribution of those per-step values over
//     every (repeat, step) of the phase: median with its 95% bootstrap interval, p10/p90, MAD
//     outliers (lab/stats.hpp).
// Medians of parts do not add up to the median of the whole; the mean columns do.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lab/stats.hpp"
#include "store/records.hpp"

namespace looplab::store {

// One line of the measured-vs-predicted table.
struct KindRow {
  std::string phase;                  // prefill | decode
  std::string kind;                   // an op kind, "unattributed" (wall minus ops) or "step" (the whole step)
  stats::Summary measured;            // over the phase's (repeat, step) samples
  double measured_mean_s = 0;         // mean of the same samples: the kinds' means add up to the step's
  std::optional<double> predicted_s;  // mean over the phase's steps (none for "unattributed")
  std::optional<double> error_pct;    // (predicted - measured median) / measured median * 100
};
// Kinds in plan order within each phase (prefill first), each phase ending with "unattributed"
// and "step".
std::vector<KindRow> kind_table(const RunRows& rows);

// The summary figures finish_run() stores: per phase the step-time statistics, the predicted
// step, and the run's verdict from its phases (the measurement layer adds the machine's state).
RunStats run_stats(const RunRows& rows);
// The same from a kind_table() of the rows already made (a large run's table takes a while).
RunStats run_stats(const std::vector<KindRow>& table);
PhaseStats phase_stats(const KindRow& step_row, const KindRow* unattributed_row);

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
