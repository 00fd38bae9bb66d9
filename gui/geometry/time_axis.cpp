// TimeAxis: zoom, pan and ticks of the timeline (see time_axis.hpp).
#include "gui/geometry/time_axis.hpp"

#include <algorithm>
#include <cmath>

namespace looplab::gui {

TimeAxis TimeAxis::fit(double totalS, double leftPx, double widthPx) {
  TimeAxis a;
  a.totalS = totalS > 0.0 ? totalS : 1e-9;
  a.startS = 0.0;
  a.spanS = a.totalS;
  a.leftPx = leftPx;
  a.widthPx = widthPx > 1.0 ? widthPx : 1.0;
  return a;
}

double TimeAxis::minSpanS() const {
  const double perTenPixels = 1e-9 * widthPx / 10.0;
  return std::min(totalS, std::max(perTenPixels, totalS * 1e-6));
}

void TimeAxis::clamp() {
  spanS = std::clamp(spanS, minSpanS(), totalS);
  startS = std::clamp(startS, 0.0, totalS - spanS);
}

void TimeAxis::zoom(double factor, double anchorPx) {
  if (!(factor > 0.0) || !std::isfinite(factor)) return;
  const double anchorS = timeAt(anchorPx);
  const double fraction = (anchorPx - leftPx) / widthPx;
  spanS = std::clamp(spanS / factor, minSpanS(), totalS);
  startS = anchorS - fraction * spanS;
  clamp();
}

void TimeAxis::pan(double dxPx) {
  startS -= dxPx * secondsPerPixel();
  clamp();
}

void TimeAxis::resize(double newLeftPx, double newWidthPx) {
  leftPx = newLeftPx;
  widthPx = newWidthPx > 1.0 ? newWidthPx : 1.0;
  clamp();
}

double niceStep(double raw) {
  if (!(raw > 0.0) || !std::isfinite(raw)) return 1.0;
  const double decade = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    // A relative tolerance so that 2e-6 is not rounded up to 5e-6 by binary noise.
    if (m * decade >= raw * (1.0 - 1e-12)) return m * decade;
  }
  return 10.0 * decade;
}

std::vector<double> TimeAxis::ticks(int maxTicks) const {
  std::vector<double> out;
  if (maxTicks < 1) return out;
  const double step = niceStep(spanS / maxTicks);
  const double first = std::ceil(startS / step - 1e-9) * step;
  const double last = startS + spanS * (1.0 + 1e-12);
  for (int i = 0; i < maxTicks; ++i) {
    const double t = first + i * step;  // by index, so steps do not accumulate rounding
    if (t > last) break;
    out.push_back(t);
  }
  return out;
}

}  // namespace looplab::gui
