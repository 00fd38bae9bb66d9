// The performance gate's comparison: the runs of a candidate label against a baseline label in a
// results store, workload by workload, metric by metric (lab/compare.hpp does the statistics).
// Workloads match on what defines the work (model config, variant and loops inside it, batch,
// prompt, decode steps, backend), never on the environment (threads, host, commit), which is
// reported beside the verdict when it differs.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "lab/compare.hpp"
#include "store/store.hpp"

namespace looplab::lab {

struct GateOptions {
  double threshold = 0.05;  // relative: 0.05 flags a candidate more than 5% slower
  double alpha = 0.05;      // significance level of the test
};

struct GateMetric {
  std::string name;  // "decode step", "prefill"
  double baseline_median_s = 0, candidate_median_s = 0;
  stats::RatioEstimate estimate;
  stats::GateVerdict verdict = stats::GateVerdict::pass;
};

struct GateWorkload {
  std::string name;  // "small plt L=2 B=4 P=32 cpu"
  std::vector<store::RunId> baseline_runs, candidate_runs;
  std::vector<GateMetric> metrics;
  std::vector<std::string> environment;  // "threads 2 -> 1", "host a -> b", "commit x -> y"
};

struct GateReport {
  std::string baseline_label, candidate_label;
  GateOptions options;
  std::vector<GateWorkload> workloads;      // matched, in the baseline's order
  std::vector<std::string> only_baseline;   // workloads without a candidate run
  std::vector<std::string> only_candidate;  // and the reverse
  stats::GateVerdict overall = stats::GateVerdict::pass;
};

// Compares the complete runs labelled `candidate` with those labelled `baseline`: per workload,
// the pooled decode-step and prefill times of all its runs (every repeat, every step). Throws
// InputError("baseline" / "candidate") when a label has no complete run, or no workload matches.
GateReport gate_compare(store::Store& s, const std::string& baseline, const std::string& candidate,
                        const GateOptions& options = {});

// The overall verdict: regressed if any metric regressed, else inconclusive if any is, else pass.
stats::GateVerdict overall_verdict(const std::vector<GateWorkload>& workloads);
// Exit code of `looplab gate compare`: 0 pass (improvements included), 1 regressed, 3 inconclusive.
int gate_exit_code(stats::GateVerdict overall);

}  // namespace looplab::lab
