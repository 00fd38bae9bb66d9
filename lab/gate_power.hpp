// The power of the gate on one's own machine, from measured samples (a study, not a timed test):
// the runs of a label are split at random into two halves, again and again; each split is judged
// as `gate compare` would judge it (pooled steps, ratio of medians, bootstrap interval,
// Mann-Whitney U, the threshold). As measured, the halves are an A/A comparison: how often it
// says `regressed` is the false-alarm rate. With the candidate half slowed by s (every step
// times 1 + s), how often it says `regressed` is the detection rate at s. docs/ci.md reports it
// for the project's suite and says how to choose a threshold from it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "lab/gate.hpp"

namespace looplab::lab {

struct PowerOptions {
  int trials = 200;
  std::vector<double> slowdowns{0.02, 0.05, 0.10};
  double threshold = 0.05, alpha = 0.05;
  int resamples = 400;  // bootstrap resamples per comparison (fewer than a gate's 2000: trials x metrics)
  std::uint64_t seed = 1;
  // Interleaved A/A: the runs of `label` were paired with those of `baseline_label` by `gate run
  // --baseline-bin` (the same binary on both sides). Each trial draws `pairs` of the measured
  // pairs at random (without replacement when fewer than measured, else with) and judges them as
  // the paired gate does. Empty: split-half of `label`.
  std::string baseline_label;
  int pairs = 8;
};

struct PowerResult {
  std::string workload, metric;
  std::string mode;             // "split-half, runs" | "split-half, steps" | "pairs"
  std::int64_t runs = 0;        // runs split into halves (pairs measured, paired)
  std::int64_t samples = 0;     // steps over all runs
  double seconds_per_half = 0;  // measured wall time of half the runs: what one side costs a CI job
  int trials = 0;
  double aa_regressed = 0, aa_inconclusive = 0, aa_improved = 0;  // fractions of trials
  std::vector<double> detected;                                   // per slowdown: fraction of trials `regressed`
};

// Per workload (suite names when `suite` is set) and metric (decode step, prefill). Throws
// InputError("label") when no workload of the label has at least 4 complete runs (split-half) or
// `pairs` pairs (paired).
std::vector<PowerResult> gate_power(store::Store& s, const std::string& label, const PowerOptions& o,
                                    const std::map<std::string, SuiteEntry>& suite = {});

}  // namespace looplab::lab
