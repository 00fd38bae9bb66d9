// Time-to-pixel math of the timeline view: a visible window [startS, startS + spanS] of a step
// mapped onto [leftPx, leftPx + widthPx], with zoom about an anchor and pan, never leaving the
// step.
#pragma once
#include <vector>

namespace looplab::gui {

struct TimeAxis {
  double totalS = 1.0;   // the whole timeline (a step's duration)
  double startS = 0.0;   // first visible time
  double spanS = 1.0;    // visible duration
  double leftPx = 0.0;   // x of startS
  double widthPx = 1.0;  // x of startS + spanS is leftPx + widthPx

  // The whole of [0, totalS] visible in [leftPx, leftPx + widthPx].
  static TimeAxis fit(double totalS, double leftPx, double widthPx);

  double xOf(double timeS) const { return leftPx + (timeS - startS) / spanS * widthPx; }
  double timeAt(double xPx) const { return startS + (xPx - leftPx) / widthPx * spanS; }
  double secondsPerPixel() const { return spanS / widthPx; }

  // factor > 1 zooms in. The time under anchorPx stays under anchorPx unless the window hits
  // the ends of the step or the zoom limits (minSpanS(), the whole step).
  void zoom(double factor, double anchorPx);
  // A drag by dxPx to the right shows earlier times; clamped to the step.
  void pan(double dxPx);
  // A new drawing width keeps the visible time window (the widget was resized).
  void resize(double newLeftPx, double newWidthPx);

  // Zooming stops at a nanosecond per 10 pixels or a millionth of the step, whichever is larger.
  double minSpanS() const;
  // True when [t0S, t1S] overlaps the visible window.
  bool overlaps(double t0S, double t1S) const { return t1S >= startS && t0S <= startS + spanS; }
  // Round 1-2-5 tick times inside the visible window, at most maxTicks of them.
  std::vector<double> ticks(int maxTicks) const;

 private:
  void clamp();
};

// A 1-2-5 step at least `raw` long: 1, 2, 5, 10, 20, 50 ... times a power of ten.
double niceStep(double raw);

}  // namespace looplab::gui
