// The time of a step no measured op covers: the timeline's "unattributed" lane. Plain C++, tested
// without painting.
#pragma once
#include <vector>

namespace looplab::gui {

struct TimeInterval {
  double startS = 0.0;
  double endS = 0.0;
  double durationS() const { return endS - startS; }
  friend bool operator==(const TimeInterval&, const TimeInterval&) = default;
};

// The parts of [lo, hi] that none of `covered` overlaps, in time order; overlapping and nested
// intervals merge, parts outside [lo, hi] are ignored, gaps shorter than minGapS are dropped.
std::vector<TimeInterval> uncoveredIntervals(std::vector<TimeInterval> covered, double lo, double hi,
                                             double minGapS = 0.0);

// Sum of the intervals' durations.
double totalDuration(const std::vector<TimeInterval>& intervals);

}  // namespace looplab::gui
