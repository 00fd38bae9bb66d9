// The power of the gate on one's own machine, from measured samples (a study, not a timed test):
// the runs of a label are split at random into two halves, again and again; each split is judged
// as `gate compare` would judge it (pooled steps, ratio of medians, bootstrap interval,
// Mann-Whitney U, the threshold). As measured, the halves are an A/A comparison: how often it
// says `regressed` is the false-alarm rate. With the candidate half slowed by s (every step
// times 1 + s), how often it says `regressed` is the detection rate at s. docs/ci.md reports it
// for the project's suite and says how to choose a threshold from it.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "lab/gate.hpp"

namespace looplab::lab {

struct PowerOptions {
  int trials = 200;
  std::vector<double> slowdowns{0.02, 0.05, 0.10};
  // Each threshold is judged on the same trials: one result row per threshold, so the smallest
  // threshold with few false alarms and the wanted detection can be read off (choose_threshold).
  std::vector<double> thresholds{0.05};
  double alpha = 0.05;
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
  double threshold = 0;  // the gate threshold this row judged with
  // The smallest p the test can give with the samples of one trial (Mann-Whitney U over the run
  // medians of two halves, Wilcoxon over the drawn pairs; 0 when steps are pooled): at or above
  // alpha, nothing can be called regressed and a detection rate of 0 says so, not the machine.
  double min_p = 0;
  std::string threads;  // thread counts the runs used: "1", or "1,2" when they differ (mixed work)
  double aa_regressed = 0, aa_inconclusive = 0, aa_improved = 0;  // fractions of trials
  std::vector<double> detected;                                   // per slowdown: fraction of trials `regressed`
};

// For one workload and metric (rows of gate_power with the same workload and metric): the
// smallest threshold whose A/A false-alarm rate is at most `max_false_alarm` and whose detection
// of `slowdown` (one of PowerOptions::slowdowns) is at least `min_detection`; none if no row has both.
std::optional<double> choose_threshold(std::span<const PowerResult> rows, const PowerOptions& o, double slowdown,
                                       double max_false_alarm = 0.01, double min_detection = 0.95);

// Per workload (suite names when `suite` is set), metric (decode step, prefill) and threshold. Throws
// InputError("label") when no workload of the label has at least 4 complete runs (split-half) or
// `pairs` pairs (paired).
std::vector<PowerResult> gate_power(store::Store& s, const std::string& label, const PowerOptions& o,
                                    const std::map<std::string, SuiteEntry>& suite = {});

}  // namespace looplab::lab
