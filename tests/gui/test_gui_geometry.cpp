// The drawing math of the GUI without painting: time axis zoom and pan, log axes, roofline
// ceilings and placement, histogram bins, the Pareto front.
#include <gtest/gtest.h>

#include <cmath>

#include "gui/geometry/gaps.hpp"
#include "gui/geometry/histogram.hpp"
#include "gui/geometry/log_axis.hpp"
#include "gui/geometry/pareto.hpp"
#include "gui/geometry/roofline_geometry.hpp"
#include "gui/geometry/time_axis.hpp"

namespace looplab::gui {
namespace {

TEST(TimeAxis, FitMapsTheWholeStepOntoTheWidth) {
  // 2 ms over 1000 px starting at x = 100: 2 µs per pixel.
  const TimeAxis a = TimeAxis::fit(2e-3, 100.0, 1000.0);
  EXPECT_DOUBLE_EQ(a.xOf(0.0), 100.0);
  EXPECT_DOUBLE_EQ(a.xOf(2e-3), 1100.0);
  EXPECT_DOUBLE_EQ(a.xOf(1e-3), 600.0);
  EXPECT_DOUBLE_EQ(a.timeAt(350.0), 0.5e-3);
  EXPECT_DOUBLE_EQ(a.secondsPerPixel(), 2e-6);
}

TEST(TimeAxis, ZoomKeepsTheTimeUnderTheAnchor) {
  TimeAxis a = TimeAxis::fit(1.0, 0.0, 1000.0);
  a.zoom(4.0, 250.0);  // t = 0.25 s under x = 250
  EXPECT_DOUBLE_EQ(a.spanS, 0.25);
  EXPECT_NEAR(a.timeAt(250.0), 0.25, 1e-15);
  // start = 0.25 - 0.25 * 0.25 = 0.1875
  EXPECT_NEAR(a.startS, 0.1875, 1e-15);
  a.zoom(0.25, 250.0);  // back out: the whole step again
  EXPECT_DOUBLE_EQ(a.spanS, 1.0);
  EXPECT_DOUBLE_EQ(a.startS, 0.0);
}

TEST(TimeAxis, ZoomNearTheEndIsClampedToTheStep) {
  TimeAxis a = TimeAxis::fit(1.0, 0.0, 1000.0);
  a.zoom(2.0, 1000.0);  // anchor at the right edge: window [0.5, 1]
  EXPECT_DOUBLE_EQ(a.startS, 0.5);
  EXPECT_DOUBLE_EQ(a.spanS, 0.5);
  a.zoom(0.1, 0.0);  // zooming out past the step stops at the step
  EXPECT_DOUBLE_EQ(a.spanS, 1.0);
  EXPECT_DOUBLE_EQ(a.startS, 0.0);
}

TEST(TimeAxis, ZoomStopsAtTheMinimumSpan) {
  TimeAxis a = TimeAxis::fit(1e-3, 0.0, 1000.0);
  for (int i = 0; i < 100; ++i) a.zoom(10.0, 500.0);
  // max(1 ns * 1000 px / 10, 1e-3 * 1e-6) = 100 ns
  EXPECT_DOUBLE_EQ(a.minSpanS(), 1e-7);
  EXPECT_DOUBLE_EQ(a.spanS, 1e-7);
  EXPECT_GE(a.startS, 0.0);
  EXPECT_LE(a.startS + a.spanS, 1e-3 * (1 + 1e-12));
}

TEST(TimeAxis, PanMovesByPixelsAndStopsAtTheEnds) {
  TimeAxis a = TimeAxis::fit(1.0, 0.0, 1000.0);
  a.zoom(10.0, 500.0);  // span 0.1 s, start 0.45 s
  EXPECT_NEAR(a.startS, 0.45, 1e-12);
  a.pan(-100.0);  // drag left by 100 px = 0.01 s later
  EXPECT_NEAR(a.startS, 0.46, 1e-12);
  a.pan(1e6);  // far right: clamped at the start of the step
  EXPECT_DOUBLE_EQ(a.startS, 0.0);
  a.pan(-1e6);
  EXPECT_NEAR(a.startS, 0.9, 1e-12);
}

TEST(TimeAxis, ResizeKeepsTheVisibleWindow) {
  TimeAxis a = TimeAxis::fit(1.0, 0.0, 1000.0);
  a.zoom(2.0, 0.0);
  a.resize(50.0, 500.0);
  EXPECT_DOUBLE_EQ(a.startS, 0.0);
  EXPECT_DOUBLE_EQ(a.spanS, 0.5);
  EXPECT_DOUBLE_EQ(a.xOf(0.5), 550.0);
}

TEST(TimeAxis, TicksAreRoundAndInsideTheWindow) {
  TimeAxis a = TimeAxis::fit(1e-3, 0.0, 800.0);  // 1 ms
  const auto ticks = a.ticks(8);
  // 1 ms / 8 = 125 µs -> 200 µs steps: 0, 200, 400, 600, 800, 1000 µs
  ASSERT_EQ(ticks.size(), 6u);
  EXPECT_DOUBLE_EQ(ticks[0], 0.0);
  EXPECT_NEAR(ticks[1], 2e-4, 1e-18);
  EXPECT_NEAR(ticks[5], 1e-3, 1e-18);
  EXPECT_DOUBLE_EQ(niceStep(0.3), 0.5);
  EXPECT_DOUBLE_EQ(niceStep(2e-6), 2e-6);
  EXPECT_DOUBLE_EQ(niceStep(7.0), 10.0);
}

TEST(LogAxis, MapsDecadesLinearly) {
  LogAxis a{1.0, 1e4, 0.0, 400.0};
  EXPECT_DOUBLE_EQ(a.toPx(1.0), 0.0);
  EXPECT_DOUBLE_EQ(a.toPx(100.0), 200.0);
  EXPECT_NEAR(a.fromPx(300.0), 1000.0, 1e-9);
  EXPECT_DOUBLE_EQ(a.toPx(0.0), 0.0);  // no place for zero: the axis start
  EXPECT_EQ(a.decades().size(), 5u);
  const LogAxis r = decadeRange({3.0, 0.0, 250.0, -1.0});
  EXPECT_DOUBLE_EQ(r.lo, 1.0);
  EXPECT_DOUBLE_EQ(r.hi, 1000.0);
  const LogAxis one = decadeRange({100.0});
  EXPECT_DOUBLE_EQ(one.lo, 100.0);
  EXPECT_DOUBLE_EQ(one.hi, 1000.0);
}

TEST(Roofline, RidgePointAndAttainablePerformance) {
  // H200-like: 989 TFLOP/s bf16 dense, 4.8 TB/s -> ridge 989e12 / 4.8e12 = 206.04 FLOP/B
  const Ceiling c{989e12, 4.8e12};
  EXPECT_NEAR(c.ridgeIntensity(), 206.0416666, 1e-6);
  EXPECT_DOUBLE_EQ(c.attainable(10.0), 48e12);     // memory-bound: 10 * 4.8e12
  EXPECT_DOUBLE_EQ(c.attainable(1000.0), 989e12);  // compute-bound: the roof
}

TEST(Roofline, FitHoldsRidgeAndPointsWithADecadeOfRoom) {
  const Ceiling c{1e12, 1e11};  // ridge at 10 FLOP/B
  const std::vector<RooflinePoint> pts = {{0.5, 2e10}, {50.0, 5e11}, {0.0, 1e9}};
  const RooflineGeometry g = RooflineGeometry::fit({c}, pts, 60.0, 10.0, 600.0, 400.0);
  // intensities 10, 0.5, 50 -> decades [0.1, 100] -> a decade either side: [0.01, 1000]
  EXPECT_DOUBLE_EQ(g.intensityAxis.lo, 0.01);
  EXPECT_DOUBLE_EQ(g.intensityAxis.hi, 1000.0);
  // FLOP/s: peak 1e12, points 2e10 and 5e11, slope at the left edge 0.01 * 1e11 = 1e9
  // -> [1e9, 1e12], then a decade above for labels -> 1e13
  EXPECT_DOUBLE_EQ(g.flopsAxis.lo, 1e9);
  EXPECT_DOUBLE_EQ(g.flopsAxis.hi, 1e13);
  // Placement: intensity 10 is 3 of 5 decades across; 1e12 is 3 of 4 decades up from the bottom.
  const PixelPoint p = g.place({10.0, 1e12});
  EXPECT_NEAR(p.x, 60.0 + 600.0 * 3.0 / 5.0, 1e-9);
  EXPECT_NEAR(p.y, 410.0 - 400.0 * 3.0 / 4.0, 1e-9);
  EXPECT_FALSE(RooflineGeometry::placeable(pts[2]));
}

TEST(Roofline, CeilingPolylineBendsAtTheRidge) {
  const Ceiling c{1e12, 1e11};
  const RooflineGeometry g = RooflineGeometry::fit({c}, {}, 0.0, 0.0, 500.0, 500.0);
  const auto line = g.ceilingPolyline(c);
  ASSERT_EQ(line.size(), 3u);
  const PixelPoint ridge = g.place({10.0, 1e12});
  EXPECT_DOUBLE_EQ(line[1].x, ridge.x);
  EXPECT_DOUBLE_EQ(line[1].y, ridge.y);
  EXPECT_DOUBLE_EQ(line[2].y, ridge.y);  // flat roof to the right
  EXPECT_GT(line[0].y, ridge.y);         // the slope starts lower on screen (larger y)
}

TEST(Roofline, HitTestFindsTheNearestPointWithinTheRadius) {
  const Ceiling c{1e12, 1e11};
  const std::vector<RooflinePoint> pts = {{1.0, 1e10}, {2.0, 2e10}, {0.0, 0.0}};
  const RooflineGeometry g = RooflineGeometry::fit({c}, pts, 0.0, 0.0, 800.0, 600.0);
  const PixelPoint p1 = g.place(pts[1]);
  EXPECT_EQ(g.hitTest(pts, p1.x + 2.0, p1.y - 1.0, 6.0), 1);
  EXPECT_EQ(g.hitTest(pts, p1.x + 50.0, p1.y, 6.0), -1);
}

TEST(Histogram, EqualBinsWithTheMaximumInTheLastBin) {
  const Histogram h = makeHistogram({1.0, 2.0, 2.5, 3.0, 5.0, std::nan("")}, 4);
  // [1, 5] in 4 bins of width 1: [1,2) [2,3) [3,4) [4,5]
  EXPECT_DOUBLE_EQ(h.lo, 1.0);
  EXPECT_DOUBLE_EQ(h.binWidth, 1.0);
  ASSERT_EQ(h.counts.size(), 4u);
  EXPECT_EQ(h.counts[0], 1);
  EXPECT_EQ(h.counts[1], 2);
  EXPECT_EQ(h.counts[2], 1);
  EXPECT_EQ(h.counts[3], 1);
  const Histogram same = makeHistogram({2.0, 2.0}, 10);
  ASSERT_EQ(same.counts.size(), 1u);
  EXPECT_EQ(same.counts[0], 2);
  EXPECT_TRUE(makeHistogram({}, 5).counts.empty());
}

TEST(Histogram, PercentilesInterpolate) {
  EXPECT_DOUBLE_EQ(percentile({4.0, 1.0, 3.0, 2.0}, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(percentile({1.0, 2.0, 3.0, 4.0, 5.0}, 0.9), 4.6);  // pos 3.6
  EXPECT_TRUE(std::isnan(percentile({}, 0.5)));
  // The statistics module's definition, which the CLI uses: p10 of 1..11 is 2.
  EXPECT_DOUBLE_EQ(percentile({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 0.1), 2.0);
  EXPECT_DOUBLE_EQ(percentile({3.0, std::nan(""), 1.0, 2.0}, 0.5), 2.0);  // NaN left out
}

TEST(Gaps, TheStepTimeNoIntervalCovers) {
  // Ops at [1, 2], [2, 3] (touching: no gap), [5, 6] and a nested [5.2, 5.5], in a 10 s step.
  const auto gaps = uncoveredIntervals({{5.0, 6.0}, {1.0, 2.0}, {5.2, 5.5}, {2.0, 3.0}}, 0.0, 10.0);
  EXPECT_EQ(gaps, (std::vector<TimeInterval>{{0.0, 1.0}, {3.0, 5.0}, {6.0, 10.0}}));
  EXPECT_DOUBLE_EQ(totalDuration(gaps), 7.0);
  // Overlaps merge; parts outside the window are cut off.
  EXPECT_EQ(uncoveredIntervals({{-1.0, 2.0}, {1.5, 4.0}, {9.0, 12.0}}, 0.0, 10.0),
            (std::vector<TimeInterval>{{4.0, 9.0}}));
  // Nothing covered: the whole window; everything covered: nothing.
  EXPECT_EQ(uncoveredIntervals({}, 0.0, 3.0), (std::vector<TimeInterval>{{0.0, 3.0}}));
  EXPECT_TRUE(uncoveredIntervals({{0.0, 3.0}}, 0.0, 3.0).empty());
  EXPECT_TRUE(uncoveredIntervals({}, 3.0, 3.0).empty());
  // Gaps shorter than the minimum are dropped.
  EXPECT_EQ(uncoveredIntervals({{0.0, 1.0}, {1.001, 2.0}}, 0.0, 2.5, 0.01), (std::vector<TimeInterval>{{2.0, 2.5}}));
}

TEST(Pareto, MinimiseBothAxes) {
  //   x:  1  2  3  4  2  5  nan
  //   y:  5  3  4  1  3  1  0
  // front: (1,5) (2,3) (2,3 duplicate) (4,1); (3,4) is beaten by (2,3), (5,1) by (4,1)
  const std::vector<double> xs = {1, 2, 3, 4, 2, 5, std::nan("")};
  const std::vector<double> ys = {5, 3, 4, 1, 3, 1, 0};
  const auto f = paretoFront(xs, ys, Goal::minimize, Goal::minimize);
  const std::vector<bool> expected = {true, true, false, true, true, false, false};
  EXPECT_EQ(f, expected);
  const auto line = paretoLine(xs, f);
  ASSERT_EQ(line.size(), 4u);
  EXPECT_EQ(line.front(), 0u);
  EXPECT_EQ(line.back(), 3u);
}

TEST(Pareto, MaximiseOneAxis) {
  // latency (min) vs tokens/s (max): (1,10) (2,30) (3,20) -> (3,20) is beaten by (2,30)
  const auto f = paretoFront({1, 2, 3}, {10, 30, 20}, Goal::minimize, Goal::maximize);
  const std::vector<bool> expected = {true, true, false};
  EXPECT_EQ(f, expected);
}

TEST(Pareto, OneFrontPerGroupAndExcludedPointsNeverCount) {
  // Group 0: (1,5) (2,3) (3,4); group 1: (10,10) (11,9) (12,12); -1: (0,0) excluded.
  // A global front would be the excluded (0,0) alone, or without it (1,5) (2,3); per group,
  // group 1's best points stand on their own front even though group 0 beats them all.
  const std::vector<double> xs = {1, 2, 3, 10, 11, 12, 0};
  const std::vector<double> ys = {5, 3, 4, 10, 9, 12, 0};
  const std::vector<int> group = {0, 0, 0, 1, 1, 1, -1};
  const auto f = paretoFrontPerGroup(xs, ys, group, Goal::minimize, Goal::minimize);
  EXPECT_EQ(f, (std::vector<bool>{true, true, false, true, true, false, false}));
  // One group for every point is the global front.
  const std::vector<int> one(xs.size(), 0);
  EXPECT_EQ(paretoFrontPerGroup(xs, ys, one, Goal::minimize, Goal::minimize),
            paretoFront(xs, ys, Goal::minimize, Goal::minimize));
  // Maximised y flips group 1's winner to (12,12) beside (10,10).
  const auto g = paretoFrontPerGroup(xs, ys, group, Goal::minimize, Goal::maximize);
  EXPECT_EQ(g, (std::vector<bool>{true, false, false, true, false, true, false}));
}

}  // namespace
}  // namespace looplab::gui
