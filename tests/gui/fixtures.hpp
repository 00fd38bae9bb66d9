// Snapshot fixtures for the GUI tests: runs and a run detail whose ops come from the real step
// plan of the `tiny` preset, with measured and predicted times chosen by the test.
#pragma once
#include <vector>

#include "gui/models/snapshots.hpp"

namespace looplab::gui::test {

// Six runs: the five variants of the ladder on h200 (ids 1-5, vanilla 100 µs measured, looped
// 200 µs, clp 150, clp_share 101, plt 102; predicted 90 % of measured; 95% intervals +-1 % of the
// median, clp_share's +-3 %), all quiet but clp_share, which is noisy (kNoisyReason), plus an
// incomplete cpu run without measurement or verdict (id 6).
std::vector<RunSummary> ladderRuns();
inline constexpr const char* kNoisyReason = "decode: 95% interval +-3.0% of the median";

// The decode step of `tiny` (plt, 2 loops, batch 2, context 16): op i measured (i + 1) µs (median
// and mean) and predicted (i + 1) * 1.1 µs, alternately memory- and compute-bound (launch for the
// argmax), flops = 1000 * (i + 1), bytes = 100 * (i + 1); measured spans laid end to end, 64 step
// samples. Its kind table (as store::kind_table would give it): each kind the sum of its ops,
// then unattributed 5 µs and the step (ops + 5 µs); every row quiet, the run quiet.
RunDetail tinyRunDetail();
inline constexpr double kTinyUnattributedS = 5e-6;

}  // namespace looplab::gui::test
