// E-divisive change points: the statistic worked by hand, the O(n^2) search against the formula
// at every split, steps found where they are (one, two, a change of spread), and what must not be
// a change point (flat noise, one outlier, a series too short to split). Noise comes from a fixed
// SplitMix64 stream, so every series and every result is the same on every machine.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <utility>
#include <vector>

#include "lab/changepoint.hpp"
#include "lab/stats_detail.hpp"

using namespace looplab::stats;

namespace {

// Consecutive levels (value, count), each point plus uniform noise in [-noise, noise].
std::vector<double> levels(std::initializer_list<std::pair<double, int>> parts, double noise, std::uint64_t seed) {
  detail::SplitMix64 rng{seed};
  std::vector<double> x;
  for (const auto& [value, count] : parts)
    for (int i = 0; i < count; ++i) {
      const double u = static_cast<double>(rng.next() >> 11) * 0x1.0p-53;  // [0, 1)
      x.push_back(value + noise * (2 * u - 1));
    }
  return x;
}

}  // namespace

TEST(ChangePoint, StatisticWorkedByHand) {
  // X = {0, 1}, Y = {3, 6}, a = 1. Across: |0-3| + |0-6| + |1-3| + |1-6| = 16, so 2/(2*2) * 16 = 8;
  // within X: 1/C(2,2) * 1 = 1; within Y: 3. E = 8 - 1 - 3 = 4, q = 2*2/(2+2) * 4 = 4.
  const std::vector<double> x{0, 1}, y{3, 6};
  EXPECT_DOUBLE_EQ(energy_statistic(x, y), 4.0);
  EXPECT_DOUBLE_EQ(energy_statistic(y, x), 4.0);  // symmetric
  // a = 1/2: across sqrt 3 + sqrt 6 + sqrt 2 + sqrt 5, within sqrt 1 and sqrt 3.
  const double across = std::sqrt(3.0) + std::sqrt(6.0) + std::sqrt(2.0) + std::sqrt(5.0);
  EXPECT_NEAR(energy_statistic(x, y, 0.5), across / 2 - 1 - std::sqrt(3.0), 1e-14);
  // {0, 0} against {1, 1}: no spread within, all of it across: E = 2/4 * 4 = 2, q = 1 * 2.
  EXPECT_DOUBLE_EQ(energy_statistic(std::vector<double>{0, 0}, std::vector<double>{1, 1}), 2.0);
  // The same distribution on both sides: q <= 0 ({1, 2} vs {2, 1}: 2/4 * 2 - 1 - 1 = -1).
  EXPECT_DOUBLE_EQ(energy_statistic(std::vector<double>{1, 2}, std::vector<double>{2, 1}), -1.0);
  // One point on a side has no within pair: 0 by definition. A power outside (0, 2) reads as 1.
  EXPECT_EQ(energy_statistic(std::vector<double>{0}, y), 0.0);
  EXPECT_DOUBLE_EQ(energy_statistic(x, y, 5.0), 4.0);
}

TEST(ChangePoint, CleanStepFoundAtItsIndex) {
  // 20 points at 1.0 then 20 at 1.3, noise +-0.01: the step is 30 times the noise.
  const std::vector<double> x = levels({{1.0, 20}, {1.3, 20}}, 0.01, 1);
  const std::vector<ChangePoint> cps = find_change_points(x);
  ASSERT_EQ(cps.size(), 1u);
  EXPECT_EQ(cps[0].index, 20u);
  // No shuffle separates the points as well as the true order: p is the smallest 199 allow.
  EXPECT_DOUBLE_EQ(cps[0].p, 1.0 / 200);
  EXPECT_NEAR(cps[0].before_mean, 1.0, 0.01);
  EXPECT_NEAR(cps[0].after_mean, 1.3, 0.01);
  const std::span<const double> all(x);
  EXPECT_NEAR(cps[0].statistic, energy_statistic(all.first(20), all.subspan(20)), 1e-9);
}

TEST(ChangePoint, SearchMatchesTheFormulaAtEverySplit) {
  // The O(n^2) search must pick the same split, with the same q, as the formula evaluated
  // directly at every tau (min_segment 3: tau in [3, 27]), for a = 1 and a = 1/2.
  const std::vector<double> x = levels({{0.0, 17}, {0.5, 13}}, 0.1, 2);
  const std::span<const double> all(x);
  for (double power : {1.0, 0.5}) {
    std::size_t best_tau = 0;
    double best_q = -1e300;
    for (std::size_t tau = 3; tau <= 27; ++tau) {
      const double q = energy_statistic(all.first(tau), all.subspan(tau), power);
      if (q > best_q) {
        best_tau = tau;
        best_q = q;
      }
    }
    ChangePointOptions o;
    o.power = power;
    const std::vector<ChangePoint> cps = find_change_points(x, o);
    ASSERT_EQ(cps.size(), 1u) << "power " << power;
    EXPECT_EQ(cps[0].index, best_tau) << "power " << power;
    EXPECT_EQ(cps[0].index, 17u) << "power " << power;
    EXPECT_NEAR(cps[0].statistic, best_q, 1e-9 * best_q) << "power " << power;
  }
}

TEST(ChangePoint, FlatNoiseHasNone) {
  // 100 points of +-5% noise around 1.0, three independent streams: nothing to find.
  for (std::uint64_t seed : {3, 4, 5}) {
    const std::vector<double> x = levels({{1.0, 100}}, 0.05, seed);
    EXPECT_TRUE(find_change_points(x).empty()) << "noise seed " << seed;
  }
}

TEST(ChangePoint, TwoStepsInOrder) {
  // Up at 20, down at 40, to below where it started.
  const std::vector<double> x = levels({{1.0, 20}, {1.3, 20}, {0.9, 20}}, 0.01, 6);
  const std::vector<ChangePoint> cps = find_change_points(x);
  ASSERT_EQ(cps.size(), 2u);
  EXPECT_EQ(cps[0].index, 20u);
  EXPECT_EQ(cps[1].index, 40u);
  EXPECT_LT(cps[0].p, 0.01);
  EXPECT_LT(cps[1].p, 0.01);
  EXPECT_NEAR(cps[0].before_mean, 1.0, 0.01);  // whichever split came first, the side before 20
  EXPECT_NEAR(cps[1].after_mean, 0.9, 0.01);   // and the side after 40 are single levels
}

TEST(ChangePoint, ChangeOfSpreadIsAChangePoint) {
  // The same mean on both sides, but the noise grows twentyfold at 30: the energy distance sees
  // any change of distribution, not only of location.
  std::vector<double> x = levels({{1.0, 30}}, 0.01, 7);
  const std::vector<double> wide = levels({{1.0, 30}}, 0.2, 8);
  x.insert(x.end(), wide.begin(), wide.end());
  // The first wide points (1.047, 1.045, 1.076, 1.014) happen to lie near 1.0, so the top split
  // falls at 34 and the recursion then finds 30 inside [0, 34): nothing outside the change.
  const std::vector<ChangePoint> cps = find_change_points(x);
  ASSERT_FALSE(cps.empty());
  EXPECT_EQ(cps.front().index, 30u);
  for (const ChangePoint& c : cps) {
    EXPECT_GE(c.index, 30u);
    EXPECT_LE(c.index, 34u);
    EXPECT_LT(c.p, 0.01);
  }
}

TEST(ChangePoint, SingleOutlierIsNotAChangePoint) {
  // One point 5x the level, in the middle and near the end: its distance to every other point
  // enters the across and the within sums alike and cancels, so no split isolates it.
  for (std::size_t at : {20u, 37u}) {
    std::vector<double> x = levels({{1.0, 40}}, 0.02, 9);
    x[at] = 5.0;
    EXPECT_TRUE(find_change_points(x).empty()) << "outlier at " << at;
  }
}

TEST(ChangePoint, TooShortToSplitHasNone) {
  // alpha = 1 keeps any split the search finds, so only the length can stop it.
  ChangePointOptions keep_any;
  keep_any.alpha = 1.0;
  keep_any.min_segment = 3;
  EXPECT_TRUE(find_change_points(std::vector<double>{}, keep_any).empty());
  EXPECT_TRUE(find_change_points(std::vector<double>{1.0}, keep_any).empty());
  EXPECT_TRUE(find_change_points(std::vector<double>{1, 1, 9, 9, 9}, keep_any).empty());  // 5 < 2 * 3
  const std::vector<ChangePoint> six = find_change_points(std::vector<double>{1, 1, 1, 9, 9, 9}, keep_any);
  ASSERT_EQ(six.size(), 1u);  // 6 = 2 * 3: one split, and it is the step
  EXPECT_EQ(six[0].index, 3u);
  // With the default alpha the same 6 points are too few to be significant: of the C(6,3) = 20
  // ways to split them, two ({1,1,1 | 9,9,9} and its mirror) give the top q, so p is near 0.1.
  EXPECT_TRUE(find_change_points(std::vector<double>{1, 1, 1, 9, 9, 9}).empty());
  // min_segment below 2 reads as 2: four points can split, three cannot.
  keep_any.min_segment = 0;
  EXPECT_EQ(find_change_points(std::vector<double>{1, 1, 9, 9}, keep_any).size(), 1u);
  EXPECT_TRUE(find_change_points(std::vector<double>{1, 1, 9}, keep_any).empty());
}

TEST(ChangePoint, DeterministicForASeed) {
  // alpha = 1 reports the split of flat noise with its p-value, which depends on the shuffles;
  // min_segment 15 of 40 points leaves room for one split only.
  const std::vector<double> x = levels({{1.0, 40}}, 0.05, 10);
  ChangePointOptions o;
  o.alpha = 1.0;
  o.min_segment = 15;
  const std::vector<ChangePoint> a = find_change_points(x, o);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(find_change_points(x, o), a);  // same seed, same split, same p-value
  o.seed = 0xfeed;
  const std::vector<ChangePoint> b = find_change_points(x, o);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_NE(b[0].p, a[0].p);          // the seed drives the permutations
  EXPECT_EQ(b[0].index, a[0].index);  // but not the statistic, nor where it peaks
  EXPECT_EQ(b[0].statistic, a[0].statistic);
}
