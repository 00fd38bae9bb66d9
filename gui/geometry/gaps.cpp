// uncoveredIntervals (see gaps.hpp).
#include "gui/geometry/gaps.hpp"

#include <algorithm>

namespace looplab::gui {

std::vector<TimeInterval> uncoveredIntervals(std::vector<TimeInterval> covered, double lo, double hi, double minGapS) {
  std::vector<TimeInterval> gaps;
  if (!(hi > lo)) return gaps;
  std::sort(covered.begin(), covered.end(),
            [](const TimeInterval& a, const TimeInterval& b) { return a.startS < b.startS; });
  double at = lo;  // everything before `at` is covered or already emitted
  auto emit = [&](double from, double to) {
    if (to - from > minGapS && to > from) gaps.push_back({from, to});
  };
  for (const TimeInterval& c : covered) {
    if (c.endS <= at) continue;  // inside what is covered, or before lo
    if (c.startS >= hi) break;
    if (c.startS > at) emit(at, c.startS);
    at = std::max(at, c.endS);
    if (at >= hi) break;
  }
  if (at < hi) emit(at, hi);
  return gaps;
}

double totalDuration(const std::vector<TimeInterval>& intervals) {
  double sum = 0.0;
  for (const TimeInterval& i : intervals) sum += i.durationS();
  return sum;
}

}  // namespace looplab::gui
