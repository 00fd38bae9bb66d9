// The performance gate's comparison: the runs of a candidate label against a baseline label in a
// results store, workload by workload, metric by metric (lab/compare.hpp does the statistics).
// Workloads match on what defines the work (model config, variant and loops inside it, batch,
// prompt, decode steps, backend), never on the environment (threads, host, commit), which is
// reported beside the verdict when it differs.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "lab/compare.hpp"
#include "lab/suite.hpp"
#include "store/store.hpp"

namespace looplab::lab {

// Which runs of a store are one side of a comparison: "LABEL"; "commit:PREFIX" for the runs of
// the engine commits starting with PREFIX (the commit `gate run` tagged them with); or
// "branch:NAME" for the runs of the newest commit measured on that branch (`gate run --branch`),
// its tip as the store knows it.
struct RunSelector {
  std::string label, commit, branch;
  std::string describe() const {
    if (!branch.empty()) return "branch " + branch + (commit.empty() ? "" : " at " + commit.substr(0, 12));
    return commit.empty() ? "'" + label + "'" : "commit " + commit;
  }
};
// Throws InputError(field) when the text is empty or "commit:" / "branch:" names nothing.
RunSelector parse_run_selector(const std::string& text, const std::string& field);

// A suite workload's name and thresholds, by lab::work_key (suite.hpp).
struct SuiteEntry {
  std::string name;
  Thresholds thresholds;
};

struct GateOptions {
  double threshold = 0.05;  // relative: 0.05 flags a candidate more than 5% slower (no suite entry)
  double alpha = 0.05;      // significance level of the test
  // Interleaved A/B: the k-th baseline run of a workload was measured back to back with its k-th
  // candidate run; each pair's ratio of run medians cancels the machine's drift (Wilcoxon on the
  // log ratios). Otherwise Mann-Whitney U over run medians (kMinRunsForRunLevel runs a side or
  // more) or over every step of every run (fewer).
  bool paired = false;
  std::map<std::string, SuiteEntry> suite;  // work key -> entry; empty: no suite
};

// An op kind's share of a metric's change: its median time per step on each side.
struct KindChange {
  std::string kind;
  double baseline_s = 0, candidate_s = 0;
  double share = 0;  // of the summed increases of all kinds (regression) or decreases (improvement)
};

// With this many runs on each side, runs (their medians), not steps, are the samples.
inline constexpr std::size_t kMinRunsForRunLevel = 3;

struct GateMetric {
  std::string name;                                      // one of gate_metric_names()
  double baseline_median_s = 0, candidate_median_s = 0;  // seconds; bytes when `bytes`
  double threshold = 0;
  bool bytes = false;  // the values are bytes ("kv bytes"), not seconds
  bool exact = false;  // a deterministic value (a prediction): the ratio alone decides
  // The samples compared: "pairs" (interleaved runs), "runs" (one median per run: both sides have
  // kMinRunsForRunLevel runs or more, so run-to-run noise is in the test), "steps" (every step
  // pooled: one or two runs a side, where only within-run noise is seen), "prediction".
  std::string unit;
  stats::RatioEstimate estimate;
  stats::GateVerdict verdict = stats::GateVerdict::pass;
  std::vector<KindChange> kinds;  // for a measured metric that is not `pass`: the kinds behind it
  // Set when the samples are too few for the test to reach alpha whatever the change (3 runs a
  // side): such a metric can be `inconclusive` at worst, never `regressed`; the report says so.
  std::string note;
};

struct GateWorkload {
  std::string name;  // the suite's name, else "small plt L=2 B=4 P=32 cpu"
  std::vector<store::RunId> baseline_runs, candidate_runs;
  std::vector<GateMetric> metrics;
  std::vector<std::string> environment;  // "threads 2 -> 1", "host a -> b", "commit x -> y"
};

struct GateReport {
  std::string baseline_label, candidate_label;  // as described by their selectors
  GateOptions options;
  std::vector<GateWorkload> workloads;      // matched, in the baseline's order
  std::vector<std::string> only_baseline;   // workloads without a candidate run
  std::vector<std::string> only_candidate;  // and the reverse
  stats::GateVerdict overall = stats::GateVerdict::pass;
};

// Compares the complete runs chosen by `candidate` with those chosen by `baseline`: per workload,
// the decode-step and prefill times of all its runs (every repeat, every step; per run medians
// when paired) and the predictions stored with them. The two sides may come from two stores (a
// baseline artifact from the main branch). Throws InputError("baseline" / "candidate") when a
// side has no complete run, or no workload matches.
GateReport gate_compare(store::Store& baseline_store, const RunSelector& baseline, store::Store& candidate_store,
                        const RunSelector& candidate, const GateOptions& options = {});
// Both sides from one store, by label.
GateReport gate_compare(store::Store& s, const std::string& baseline, const std::string& candidate,
                        const GateOptions& options = {});
// The suite's workloads as GateOptions::suite.
std::map<std::string, SuiteEntry> suite_entries(const Suite& suite);

// The overall verdict: regressed if any metric regressed, else inconclusive if any is, else pass.
stats::GateVerdict overall_verdict(const std::vector<GateWorkload>& workloads);
// Exit code of `looplab gate compare`: 0 pass (improvements included), 1 regressed, 3 inconclusive.
int gate_exit_code(stats::GateVerdict overall);

}  // namespace looplab::lab
