// The statistics module: quantile definition 7 by hand, the bootstrap interval's properties and
// determinism, MAD outliers, verdict thresholds.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "lab/stats.hpp"

using namespace looplab::stats;

TEST(Stats, QuantileIsDefinitionSeven) {
  // h = (n - 1) p; q = x[floor h] + frac(h) (x[floor h + 1] - x[floor h]).
  std::vector<double> x = {11, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};  // sorted 1..11
  EXPECT_DOUBLE_EQ(quantile(x, 0.1), 2.0);                      // h = 1
  EXPECT_DOUBLE_EQ(quantile(x, 0.5), 6.0);                      // h = 5
  EXPECT_DOUBLE_EQ(quantile(x, 0.9), 10.0);                     // h = 9
  EXPECT_DOUBLE_EQ(quantile(x, 0.25), 3.5);                     // h = 2.5: halfway between 3 and 4
  EXPECT_DOUBLE_EQ(median({4, 3, 2, 1}), 2.5);                  // even count: the mean of the middle two
  EXPECT_DOUBLE_EQ(quantile({4, 3, 2, 1}, 0.1), 1.3);           // h = 0.3
  EXPECT_DOUBLE_EQ(quantile({}, 0.5), 0.0);
  EXPECT_DOUBLE_EQ(quantile({7}, 0.9), 7.0);
  EXPECT_DOUBLE_EQ(quantile({1, 2}, 2.0), 2.0);  // p clamped to 1
}

TEST(Stats, MadAndOutliers) {
  // median 5; deviations 4,3,2,1,0,1,2,3,4,95 -> sorted 0,1,1,2,2,3,3,4,4,95 -> MAD 2.5
  std::vector<double> x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 100};
  EXPECT_DOUBLE_EQ(median(x), 5.5);
  // deviations from 5.5: 4.5 3.5 2.5 1.5 .5 .5 1.5 2.5 3.5 94.5 -> MAD = (2.5 + 2.5) / 2 = 2.5
  EXPECT_DOUBLE_EQ(mad(x), 2.5);
  // limit 3.5 * 1.4826 * 2.5 = 12.97: only 100 is beyond
  auto out = mad_outliers(x);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], 9u);
  // More than half equal: MAD 0; anything off the median is an outlier.
  auto flat = mad_outliers(std::vector<double>{2, 2, 2, 2, 3});
  ASSERT_EQ(flat.size(), 1u);
  EXPECT_EQ(flat[0], 4u);
  EXPECT_TRUE(mad_outliers(std::vector<double>{1, 100}).empty());  // too few to judge
}

TEST(Stats, BootstrapIntervalHoldsTheMedianAndIsDeterministic) {
  std::vector<double> x;
  for (int i = 0; i < 101; ++i) x.push_back(1.0 + 0.01 * ((i * 37) % 101));  // 1.00 .. 2.00, shuffled
  const Interval a = bootstrap_median_ci(x);
  const Interval b = bootstrap_median_ci(x);
  EXPECT_EQ(a, b);  // same samples, same seed: the same interval on every run
  const double m = median(x);
  EXPECT_DOUBLE_EQ(m, 1.5);
  EXPECT_LT(a.lo, m);
  EXPECT_GT(a.hi, m);
  // For a uniform spread over [1, 2] the median's standard error is about 1/(2 sqrt(n)) of the
  // range: 0.05; the 95% interval is about +-0.1 wide, certainly within +-0.2 and beyond +-0.02.
  EXPECT_GT(a.hi - a.lo, 0.04);
  EXPECT_LT(a.hi - a.lo, 0.4);
  // Another seed draws other resamples; the interval still holds the median.
  const Interval c = bootstrap_median_ci(x, 0.95, 2000, 42);
  EXPECT_LT(c.lo, m);
  EXPECT_GT(c.hi, m);
  // A wider level gives a wider interval.
  const Interval w = bootstrap_median_ci(x, 0.99);
  EXPECT_LE(w.lo, a.lo);
  EXPECT_GE(w.hi, a.hi);
  EXPECT_EQ(bootstrap_median_ci(std::vector<double>{3.0}), (Interval{3.0, 3.0}));
  EXPECT_EQ(bootstrap_median_ci(std::vector<double>{}), (Interval{0.0, 0.0}));
}

// Order statistics: for 0..99 the 95% ranks are floor(50 - 1.96 * 10 / 2) = 40 and
// ceil(1 + 50 + 9.8) = 61 (1-based), the values 39 and 60. For many samples the bootstrap agrees
// with it, and summarize() switches to it above kBootstrapMaxSamples.
TEST(Stats, OrderStatisticIntervalByHandAndAgainstTheBootstrap) {
  std::vector<double> x(100);
  for (int i = 0; i < 100; ++i) x[i] = i;
  EXPECT_EQ(order_statistic_median_ci(x), (Interval{39.0, 60.0}));
  EXPECT_EQ(order_statistic_median_ci(std::vector<double>{}), (Interval{0.0, 0.0}));
  EXPECT_EQ(order_statistic_median_ci(std::vector<double>{7.0}), (Interval{7.0, 7.0}));

  std::vector<double> big;
  for (int i = 0; i < 5001; ++i) big.push_back(1.0 + ((i * 7919) % 5001) / 5000.0);  // 1..2, shuffled
  std::vector<double> sorted = big;
  std::sort(sorted.begin(), sorted.end());
  const Interval os = order_statistic_median_ci(sorted);
  const Interval bs = bootstrap_median_ci(big);
  EXPECT_LT(os.lo, 1.5);
  EXPECT_GT(os.hi, 1.5);
  const double wo = os.hi - os.lo, wb = bs.hi - bs.lo;
  EXPECT_NEAR(wo, wb, 0.2 * wb) << "order statistics " << wo << ", bootstrap " << wb;
  EXPECT_EQ(summarize(big).ci, os);
  const std::vector<double> small(big.begin(), big.begin() + kBootstrapMaxSamples);
  EXPECT_EQ(summarize(small).ci, bootstrap_median_ci(small));
}

TEST(Stats, VerdictThresholds) {
  NoiseThresholds t;  // noisy above +-2%, unusable above +-10% or under 5 samples
  Summary s;
  s.samples = 10;
  s.median = 100;
  s.ci = {98.5, 101.5};  // +-1.5%
  EXPECT_EQ(verdict_of(s, t), Verdict::quiet);
  s.ci = {97, 103};  // +-3%
  EXPECT_EQ(verdict_of(s, t), Verdict::noisy);
  s.ci = {85, 115};  // +-15%
  EXPECT_EQ(verdict_of(s, t), Verdict::unusable);
  s.ci = {99, 101};
  s.samples = 4;
  EXPECT_EQ(verdict_of(s, t), Verdict::unusable);
  EXPECT_EQ(worst(Verdict::quiet, Verdict::noisy), Verdict::noisy);
  EXPECT_EQ(worst(Verdict::unusable, Verdict::noisy), Verdict::unusable);
  EXPECT_EQ(parse_verdict(to_string(Verdict::noisy)), Verdict::noisy);
  EXPECT_EQ(parse_verdict("something else"), Verdict::unusable);
}

TEST(Stats, SummaryOfTightAndOfStalledTimings) {
  // 40 steps of 1.00 ms +- 0.2%: quiet.
  std::vector<double> tight;
  for (int i = 0; i < 40; ++i) tight.push_back(1e-3 * (1.0 + 0.002 * ((i % 5) - 2) / 2));
  Summary a = summarize(tight);
  EXPECT_EQ(a.samples, 40);
  EXPECT_NEAR(a.median, 1e-3, 1e-9);
  EXPECT_EQ(a.verdict, Verdict::quiet);
  EXPECT_EQ(a.outliers, 0);
  // Half of the steps stalled by a descheduled thread (2x slower): the median itself is unknown.
  std::vector<double> stalled;
  for (int i = 0; i < 40; ++i) stalled.push_back(i % 2 ? 1e-3 : 2e-3);
  Summary b = summarize(stalled);
  EXPECT_NE(b.verdict, Verdict::quiet);
  // One stall of 16x in 40: the median holds, the stall is an outlier.
  std::vector<double> one = tight;
  one[7] = 16e-3;
  Summary c = summarize(one);
  EXPECT_EQ(c.outliers, 1);
  EXPECT_EQ(c.verdict, Verdict::quiet);
  EXPECT_DOUBLE_EQ(c.max, 16e-3);
}
