// A base-10 logarithmic axis: values in [lo, hi] mapped linearly in log10 onto [px0, px1].
// px1 < px0 is allowed (a y axis that grows upwards on screen).
#pragma once
#include <vector>

namespace looplab::gui {

struct LogAxis {
  double lo = 1.0;
  double hi = 10.0;
  double px0 = 0.0;
  double px1 = 1.0;

  // Non-positive values have no place on a log axis: they map to px0 (callers skip them).
  double toPx(double value) const;
  double fromPx(double px) const;
  bool contains(double value) const { return value >= lo && value <= hi; }
  // The powers of ten inside [lo, hi].
  std::vector<double> decades() const;
};

// The smallest decade-aligned range [10^a, 10^b] (b > a) that holds every positive value given.
// Empty or all non-positive input gives [1, 10].
LogAxis decadeRange(const std::vector<double>& values);

}  // namespace looplab::gui
