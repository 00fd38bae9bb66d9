// A metric over a store's history: per workload, the run medians of a metric in time order with
// their intervals and the commits they measured, and the change points an E-divisive means
// detector finds in them (lab/changepoint.hpp). `looplab gate history` and the GUI show it.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lab/changepoint.hpp"
#include "lab/gate.hpp"

namespace looplab::lab {

struct HistoryPoint {
  store::RunId run = 0;
  std::string created_at, commit, label;
  double median_s = 0;
  std::optional<double> ci_lo_s, ci_hi_s;
};

struct HistoryChange {
  std::size_t index = 0;  // first point after the change
  store::RunId run = 0;   // its run
  double p = 1;
  double before_s = 0, after_s = 0;  // means of the segments on each side (within their parent)
};

struct WorkloadHistory {
  std::string workload, metric;
  std::vector<HistoryPoint> points;  // oldest first
  std::vector<HistoryChange> changes;
};

struct HistoryOptions {
  std::string label;                   // only runs of this label ("" = every label)
  std::string metric = "decode step";  // decode step | prefill | predicted decode step | predicted prefill
  std::string workload;                // only this workload (its suite name, or the generated name); "" = all
  stats::ChangePointOptions detector;
};

// Throws InputError("metric") for an unknown metric, InputError("workload") when nothing matches.
std::vector<WorkloadHistory> gate_history(store::Store& s, const HistoryOptions& o,
                                          const std::map<std::string, SuiteEntry>& suite = {});

}  // namespace looplab::lab
