// LogAxis: log10 mapping and decade ranges (see log_axis.hpp).
#include "gui/geometry/log_axis.hpp"

#include <cmath>
#include <limits>

namespace looplab::gui {

double LogAxis::toPx(double value) const {
  if (!(value > 0.0)) return px0;
  const double f = (std::log10(value) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
  return px0 + f * (px1 - px0);
}

double LogAxis::fromPx(double px) const {
  const double f = (px - px0) / (px1 - px0);
  return std::pow(10.0, std::log10(lo) + f * (std::log10(hi) - std::log10(lo)));
}

std::vector<double> LogAxis::decades() const {
  std::vector<double> out;
  const double a = std::ceil(std::log10(lo) - 1e-9);
  const double b = std::floor(std::log10(hi) + 1e-9);
  for (double e = a; e <= b; e += 1.0) out.push_back(std::pow(10.0, e));
  return out;
}

LogAxis decadeRange(const std::vector<double>& values) {
  double minV = std::numeric_limits<double>::infinity();
  double maxV = 0.0;
  for (double v : values) {
    if (!(v > 0.0) || !std::isfinite(v)) continue;
    minV = std::min(minV, v);
    maxV = std::max(maxV, v);
  }
  LogAxis a;
  if (maxV <= 0.0) return a;
  const double lo = std::floor(std::log10(minV) + 1e-9);
  double hi = std::ceil(std::log10(maxV) - 1e-9);
  if (hi <= lo) hi = lo + 1.0;
  a.lo = std::pow(10.0, lo);
  a.hi = std::pow(10.0, hi);
  return a;
}

}  // namespace looplab::gui
