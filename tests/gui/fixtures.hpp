// Snapshot fixtures for the GUI tests: runs and a run detail whose ops come from the real step
// plan of the `tiny` preset, with measured and predicted times chosen by the test.
#pragma once
#include <vector>

#include "gui/models/snapshots.hpp"

namespace looplab::gui::test {

// Six runs: the five variants of the ladder on h200 (ids 1-5, vanilla 100 µs measured, looped
// 200 µs, clp 150, clp_share 101, plt 102; predicted 90 % of measured) plus an incomplete cpu
// run without measurement (id 6).
std::vector<RunSummary> ladderRuns();

// The decode step of `tiny` (plt, 2 loops, batch 2, context 16): op i measured (i + 1) µs and
// predicted (i + 1) * 1.1 µs, alternately memory- and compute-bound (launch for the argmax),
// flops = 1000 * (i + 1), bytes = 100 * (i + 1); measured spans laid end to end, 64 step samples.
RunDetail tinyRunDetail();

}  // namespace looplab::gui::test
