// Equal-width binning of samples (the run view's step-latency distribution), plus the median and
// percentiles the view labels it with.
#pragma once
#include <cstdint>
#include <vector>

namespace looplab::gui {

struct Histogram {
  double lo = 0.0;        // left edge of bin 0
  double binWidth = 0.0;  // every bin has this width
  std::vector<std::int64_t> counts;

  double binLeft(std::size_t i) const { return lo + static_cast<double>(i) * binWidth; }
};

// `bins` equal bins over [min, max] of the finite samples; the maximum falls in the last bin.
// Identical samples give one bin of width max(|x| * 1e-3, 1e-12) centred on them; no samples
// give an empty histogram.
Histogram makeHistogram(const std::vector<double>& samples, int bins);

// The quantile q (0..1) of the finite samples by lab/stats.hpp's definition (linear between order
// statistics, Hyndman and Fan 7); NaN when there are none.
double percentile(std::vector<double> samples, double q);

}  // namespace looplab::gui
