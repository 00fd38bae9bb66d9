// Fills a real results store (looplab::store) the way `looplab run` does, with timings the tests
// can predict: the five-variant ladder of the `tiny` preset as GPU runs on h200 (with kernels on
// two streams), one CPU run on a measured `host` spec, and one interrupted run.
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
inline constexpr std::int64_t kPromptLen = 8;

// Decode op i of every run: measured (i + 1) µs times the step's factor, factors 1.03, 1.01,
// 1.04, 1.02, 1.00 over decode steps 1..5 (median 1.02, step 4 is the median step); predicted
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
