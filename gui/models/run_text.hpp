// A run's statistics and machine state in words, one phrasing for the run view's header and its
// tooltips (the CLI's `looplab runs show` says the same things in its own lines).
#pragma once
#include <QString>

#include "gui/models/snapshots.hpp"

namespace looplab::gui {

// "5.21 ms [5.10 ms, 5.33 ms] (±2.2 %), p10 4.90 ms, p90 6.00 ms, 3 outliers of 80: noisy";
// "not measured" when the store has no median.
QString phaseText(const PhaseFigures& p);
// "other processes 0.85 CPUs over 12.0 s, load 1.20 → 1.45, steal 0.0 %, CPUs 0-1 of 2, not
// pinned, governor none, 2 threads (every online CPU)"; parts the store lacks are left out.
QString machineText(const MachineFigures& m, std::int64_t threads);

}  // namespace looplab::gui
