// Fills a real results store (looplab::store) the way `looplab run` does, with timings the tests
// can predict: the five-variant ladder of the `tiny` preset as GPU runs on h200 (with kernels on
// two streams), one CPU run on a measured `host` spec, and one interrupted run. Statistics are
// store::run_stats of the rows; the clp_share and CPU runs ran on a busy machine, so the
// measurement layer made them at least noisy and said why (kBusyReason).
#pragma once
#include <string>
#include <vector>

#include "engine/core/variant.hpp"
#include "store/records.hpp"

namespace looplab::gui::test {

struct FixtureRun {
  store::RunId id = 0;
  Variant variant = Variant::vanilla;
  std::string backend;  // "cuda" or "cpu"
  std::int64_t batch = 0;
  bool complete = true;
};

inline constexpr int kDecodeSteps = 5;
// Repeats of a complete run, all identical: 25 decode samples, 5 prefill samples per run, enough
// for a verdict (an interrupted run has one repeat of two decode steps: unusable).
inline constexpr int kRepeats = 5;
inline constexpr std::int64_t kPromptLen = 8;
// The busy machine of the noisy runs: other processes used this many CPUs over the 12 s window.
inline constexpr double kBusyOthersCpus = 0.9;
inline constexpr double kBusyLoadAfter = 1.75;
inline constexpr const char* kBusyReason = "machine: other processes used 0.90 CPUs";

// Decode op i of every run: measured (i + 1) µs times the step's factor, factors 1.03, 1.01,
// 1.04, 1.02, 1.00 over decode steps 1..5 (median 1.02, step 4 is the median step); each step
// ends 2 µs after its last op, and a GPU op's host span adds 1 µs of launch to its kernel time, so
// a step's unattributed time is 2 µs on the CPU and 2 µs + 1 µs per op on the GPU; predicted
// (i + 1) * 1.1 µs * (1 + 0.001 s) at step s (mean factor 1.003), with 1000 (i + 1)^2 FLOPs and
// 100 (i + 1) bytes. The prefill's ops take 100x.
double expectedOpMeasuredS(int opIndex);
double expectedOpPredictedS(int opIndex);
double stepFactor(int decodeStep);

// A `host` spec in the simulator's format, numbers marked as test values.
std::string hostSpecJson();

// Writes the runs into the store at `path` (created if missing) and returns them in write order.
std::vector<FixtureRun> fillStore(const std::string& path);

// Multiplies the runs of a filled store to `total` rows with one SQL statement (a generated
// store for the 100,000-run test; the copies have no op rows).
void multiplyRuns(const std::string& path, std::int64_t total);

}  // namespace looplab::gui::test
