// Roofline math without painting: ceilings (memory slope, compute roof, ridge point), log-log axes
// that hold every ceiling and op, placement of an op by arithmetic intensity and achieved FLOP/s,
// and hit testing for the hover tooltip.
#pragma once
#include <vector>

#include "gui/geometry/log_axis.hpp"

namespace looplab::gui {

// One roof: a memory bandwidth slope meeting a compute peak at the ridge point.
struct Ceiling {
  double peakFlopsPerS = 0.0;
  double bandwidthBytesPerS = 0.0;

  // FLOP per byte where the slope meets the roof.
  double ridgeIntensity() const { return peakFlopsPerS / bandwidthBytesPerS; }
  // The best FLOP/s an op of this intensity (FLOP/byte) can reach under this roof.
  double attainable(double intensity) const;
  bool valid() const { return peakFlopsPerS > 0.0 && bandwidthBytesPerS > 0.0; }
};

struct RooflinePoint {
  double intensity = 0.0;  // FLOP per byte moved
  double flopsPerS = 0.0;  // achieved (measured or predicted) FLOP/s
};

struct PixelPoint {
  double x = 0.0;
  double y = 0.0;
};

struct RooflineGeometry {
  LogAxis intensityAxis;  // x: FLOP/byte
  LogAxis flopsAxis;      // y: FLOP/s, growing upwards (px1 < px0)

  // Decade-aligned axes over the plot rectangle [left, left+width] x [top, top+height] holding
  // every valid ceiling's ridge point and peak, and every placeable point, with a decade of room
  // either side of the intensity range.
  static RooflineGeometry fit(const std::vector<Ceiling>& ceilings, const std::vector<RooflinePoint>& points,
                              double left, double top, double width, double height);

  // False for points a log plot cannot show (zero FLOPs, zero bytes, zero time).
  static bool placeable(const RooflinePoint& p) { return p.intensity > 0.0 && p.flopsPerS > 0.0; }
  PixelPoint place(const RooflinePoint& p) const;
  // The ceiling as a polyline across the x range: slope from the left edge to the ridge, then
  // flat to the right edge (a ridge outside the range gives two points).
  std::vector<PixelPoint> ceilingPolyline(const Ceiling& c) const;
  // Index of the placeable point nearest to (x, y) within radiusPx, or -1.
  int hitTest(const std::vector<RooflinePoint>& points, double x, double y, double radiusPx) const;
};

}  // namespace looplab::gui
