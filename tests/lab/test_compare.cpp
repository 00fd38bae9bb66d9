// Two-sample comparison: the tests against published reference values, the bootstrap ratio, the
// paired ratio cancelling drift, and the gate verdict's cases.
#include <gtest/gtest.h>

#include <vector>

#include "lab/compare.hpp"

using namespace looplab::stats;

TEST(MannWhitney, MatchesScipysAsymptoticExample) {
  // scipy.stats.mannwhitneyu documentation: males vs females, U1 = 17; method="asymptotic"
  // gives p = 0.11134688653314041 (exact: 0.1111).
  const std::vector<double> males{19, 22, 16, 29, 24}, females{20, 11, 17, 12};
  const TestResult t = mann_whitney_u(males, females);
  EXPECT_DOUBLE_EQ(t.statistic, 17);
  EXPECT_NEAR(t.p, 0.11134688653314041, 1e-12);
  EXPECT_GT(t.z, 0);  // males rank higher
}

TEST(MannWhitney, SeparatedSamplesAndTies) {
  // 1..5 against 6..10: U1 = 0, mean 12.5, variance 25/12 * 11; z = -(12.5 - 0.5) / 4.787
  const std::vector<double> lo{1, 2, 3, 4, 5}, hi{6, 7, 8, 9, 10};
  const TestResult t = mann_whitney_u(lo, hi);
  EXPECT_DOUBLE_EQ(t.statistic, 0);
  EXPECT_NEAR(t.z, -2.5067182457620487, 1e-12);
  EXPECT_NEAR(t.p, 0.012185780355344818, 1e-12);
  // Ties: {1,2,2,3} vs {2,3,3,4}; average ranks 1, 3, 3, 6 give R1 = 13, U1 = 3; two tie groups
  // of 3 make the variance 16/12 * (9 - 48/56) = 10.857
  const std::vector<double> a{1, 2, 2, 3}, b{2, 3, 3, 4};
  const TestResult u = mann_whitney_u(a, b);
  EXPECT_DOUBLE_EQ(u.statistic, 3);
  EXPECT_NEAR(u.p, 0.17203370892182296, 1e-12);
}

TEST(MannWhitney, TooLittleToTestGivesPOne) {
  const std::vector<double> one{1}, two{1, 2}, same{3, 3, 3};
  EXPECT_EQ(mann_whitney_u(one, two).p, 1);
  EXPECT_EQ(mann_whitney_u(same, same).p, 1);
}

TEST(Wilcoxon, SignedRankWithZerosDropped) {
  // scipy.stats.wilcoxon documentation's differences: |d| ranks 1..15, the negative ones (-48,
  // -67) have ranks 10 and 14, so W+ = 120 - 24 = 96; mean 60, variance 15*16*31/24 = 310:
  // z = (96 - 60 - 0.5) / 17.607 = 2.0163
  std::vector<double> d{6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75};
  const TestResult t = wilcoxon_signed_rank(d);
  EXPECT_DOUBLE_EQ(t.statistic, 96);
  EXPECT_NEAR(t.p, 0.043772323763041195, 1e-12);
  d.push_back(0);
  d.push_back(0);
  EXPECT_NEAR(wilcoxon_signed_rank(d).p, t.p, 1e-15);  // zeros carry no sign
}

TEST(SmallestP, WhatSoFewSamplesCanShow) {
  // 3 runs a side: U1 = 9, mean 4.5, variance 9 * 7 / 12 = 5.25; z = (4.5 - 0.5) / 2.2913 = 1.7457,
  // p = 0.08086: no 3-against-3 comparison is significant at 0.05. 4 a side: z = 7.5 / sqrt(12)
  EXPECT_NEAR(mann_whitney_min_p(3, 3), 0.0808556, 1e-6);
  EXPECT_NEAR(mann_whitney_min_p(4, 4), 0.0303828, 1e-6);
  EXPECT_NEAR(mann_whitney_min_p(5, 5), 0.012185780355344818, 1e-12);  // SeparatedSamplesAndTies
  EXPECT_EQ(mann_whitney_min_p(1, 9), 1);                              // too little to test
  // Wilcoxon, n pairs all one sign: W+ = n(n+1)/2; 8 pairs: z = (18 - 0.5) / sqrt(51) = 2.4505
  EXPECT_NEAR(wilcoxon_min_p(8), 0.0142662, 1e-6);
  EXPECT_GT(wilcoxon_min_p(5), 0.05);  // z = (7.5 - 0.5) / sqrt(13.75) = 1.888: p 0.059
  EXPECT_NEAR(wilcoxon_min_p(5), 0.0590582, 1e-6);
}

TEST(RatioOfMedians, PointIntervalAndDeterminism) {
  const std::vector<double> base{10, 10.2, 9.9, 10.1, 10.3, 9.8, 10.0, 10.1, 9.9};
  std::vector<double> slow;
  for (double x : base) slow.push_back(1.2 * x);
  const RatioEstimate r = ratio_of_medians(base, slow);
  EXPECT_NEAR(r.ratio, 1.2, 1e-12);
  EXPECT_LE(r.ci.lo, 1.2);
  EXPECT_GE(r.ci.hi, 1.2);
  EXPECT_GT(r.ci.lo, 1.1);  // the spread is 2%, the shift 20%
  EXPECT_LT(r.test.p, 0.001);
  EXPECT_EQ(ratio_of_medians(base, slow).ci, r.ci);  // same seed, same interval
  EXPECT_EQ(gate_verdict(r, 0.05), GateVerdict::regressed);
  const RatioEstimate same = ratio_of_medians(base, base);
  EXPECT_DOUBLE_EQ(same.ratio, 1);
  EXPECT_EQ(gate_verdict(same, 0.05), GateVerdict::pass);
}

TEST(PairedRatio, PairingCancelsDrift) {
  // The machine slows down through the run (1.0 .. 2.9); every candidate run is 5% slower than
  // the baseline run beside it. Unpaired, the drift swamps the 5%; paired, it is exact.
  std::vector<double> b, c;
  for (int i = 0; i < 20; ++i) {
    b.push_back(1.0 + 0.1 * i);
    c.push_back(1.05 * (1.0 + 0.1 * i));
  }
  const RatioEstimate paired = paired_ratio(b, c);
  EXPECT_NEAR(paired.ratio, 1.05, 1e-12);
  EXPECT_NEAR(paired.ci.lo, 1.05, 1e-12);
  EXPECT_NEAR(paired.ci.hi, 1.05, 1e-12);
  // 20 equal positive log ratios: W+ = 210, one tie group of 20: variance 717.5 - 7980/48
  EXPECT_DOUBLE_EQ(paired.test.statistic, 210);
  EXPECT_LT(paired.test.p, 1e-5);
  EXPECT_EQ(gate_verdict(paired, 0.02), GateVerdict::regressed);
  const RatioEstimate unpaired = ratio_of_medians(b, c);
  EXPECT_GT(unpaired.test.p, 0.3);
  EXPECT_NE(gate_verdict(unpaired, 0.02), GateVerdict::regressed);
}

TEST(GateVerdict, TheRuleCaseByCase) {
  auto at = [](double lo, double hi, double p) {
    RatioEstimate r;
    r.ratio = 0.5 * (lo + hi);
    r.ci = {lo, hi};
    r.test.p = p;
    return r;
  };
  EXPECT_EQ(gate_verdict(at(1.06, 1.10, 0.001), 0.05), GateVerdict::regressed);
  EXPECT_EQ(gate_verdict(at(1.06, 1.10, 0.2), 0.05), GateVerdict::inconclusive);    // test disagrees
  EXPECT_EQ(gate_verdict(at(1.02, 1.08, 0.001), 0.05), GateVerdict::inconclusive);  // spans 1.05
  EXPECT_EQ(gate_verdict(at(0.97, 1.03, 0.5), 0.05), GateVerdict::pass);
  EXPECT_EQ(gate_verdict(at(1.01, 1.04, 0.001), 0.05), GateVerdict::pass);  // real, but under 5%
  EXPECT_EQ(gate_verdict(at(0.85, 0.90, 0.001), 0.05), GateVerdict::improved);
  EXPECT_EQ(gate_verdict(at(0.85, 0.90, 0.2), 0.05), GateVerdict::pass);
  EXPECT_EQ(to_string(GateVerdict::inconclusive), "inconclusive");
}
