// makeHistogram and percentile (see histogram.hpp).
#include "gui/geometry/histogram.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "lab/stats.hpp"

namespace looplab::gui {

Histogram makeHistogram(const std::vector<double>& samples, int bins) {
  Histogram h;
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  for (double v : samples) {
    if (!std::isfinite(v)) continue;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (!(lo <= hi) || bins < 1) return h;
  if (hi == lo) {
    h.binWidth = std::max(std::abs(lo) * 1e-3, 1e-12);
    h.lo = lo - h.binWidth / 2.0;
    h.counts.assign(1, 0);
  } else {
    h.lo = lo;
    h.binWidth = (hi - lo) / bins;
    h.counts.assign(static_cast<std::size_t>(bins), 0);
  }
  const auto last = static_cast<std::int64_t>(h.counts.size()) - 1;
  for (double v : samples) {
    if (!std::isfinite(v)) continue;
    const auto i = static_cast<std::int64_t>(std::floor((v - h.lo) / h.binWidth));
    ++h.counts[static_cast<std::size_t>(std::clamp<std::int64_t>(i, 0, last))];
  }
  return h;
}

double percentile(std::vector<double> samples, double q) {
  std::erase_if(samples, [](double v) { return !std::isfinite(v); });
  if (samples.empty()) return std::numeric_limits<double>::quiet_NaN();
  // The one quantile definition (Hyndman and Fan 7), so the labels match the CLI's numbers.
  return stats::quantile(std::move(samples), q);
}

}  // namespace looplab::gui
