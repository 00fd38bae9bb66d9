// RooflineGeometry: axes, placement, ceilings and hit testing (see roofline_geometry.hpp).
#include "gui/geometry/roofline_geometry.hpp"

#include <algorithm>
#include <cmath>

namespace looplab::gui {

double Ceiling::attainable(double intensity) const { return std::min(peakFlopsPerS, intensity * bandwidthBytesPerS); }

RooflineGeometry RooflineGeometry::fit(const std::vector<Ceiling>& ceilings, const std::vector<RooflinePoint>& points,
                                       double left, double top, double width, double height) {
  std::vector<double> xs;
  std::vector<double> ys;
  for (const Ceiling& c : ceilings) {
    if (!c.valid()) continue;
    xs.push_back(c.ridgeIntensity());
    ys.push_back(c.peakFlopsPerS);
  }
  for (const RooflinePoint& p : points) {
    if (!placeable(p)) continue;
    xs.push_back(p.intensity);
    ys.push_back(p.flopsPerS);
  }
  RooflineGeometry g;
  g.intensityAxis = decadeRange(xs);
  // A decade either side so that the slope and the flat roof both show.
  g.intensityAxis.lo /= 10.0;
  g.intensityAxis.hi *= 10.0;
  // The slope's value at the left edge belongs in the y range too, so the memory roof shows.
  for (const Ceiling& c : ceilings) {
    if (c.valid()) ys.push_back(c.attainable(g.intensityAxis.lo));
  }
  g.flopsAxis = decadeRange(ys);
  g.flopsAxis.hi *= 10.0;  // room above the highest roof for labels
  g.intensityAxis.px0 = left;
  g.intensityAxis.px1 = left + width;
  g.flopsAxis.px0 = top + height;
  g.flopsAxis.px1 = top;
  return g;
}

PixelPoint RooflineGeometry::place(const RooflinePoint& p) const {
  return {intensityAxis.toPx(p.intensity), flopsAxis.toPx(p.flopsPerS)};
}

std::vector<PixelPoint> RooflineGeometry::ceilingPolyline(const Ceiling& c) const {
  std::vector<PixelPoint> out;
  if (!c.valid()) return out;
  const double lo = intensityAxis.lo;
  const double hi = intensityAxis.hi;
  const double ridge = c.ridgeIntensity();
  out.push_back(place({lo, c.attainable(lo)}));
  if (ridge > lo && ridge < hi) out.push_back(place({ridge, c.peakFlopsPerS}));
  out.push_back(place({hi, c.attainable(hi)}));
  return out;
}

int RooflineGeometry::hitTest(const std::vector<RooflinePoint>& points, double x, double y, double radiusPx) const {
  int best = -1;
  double bestD2 = radiusPx * radiusPx;
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (!placeable(points[i])) continue;
    const PixelPoint q = place(points[i]);
    const double d2 = (q.x - x) * (q.x - x) + (q.y - y) * (q.y - y);
    if (d2 <= bestD2) {
      bestD2 = d2;
      best = static_cast<int>(i);
    }
  }
  return best;
}

}  // namespace looplab::gui
