// Comparing two sets of timings, the statistics behind a performance gate: the ratio of medians
// with a bootstrap interval, the Mann-Whitney U test for independent runs, the same for paired
// (interleaved A/B) runs with the Wilcoxon signed-rank test, and the verdict that combines an
// interval, a test and a threshold. Pure functions of the samples; deterministic for a seed.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>

#include "lab/stats.hpp"

namespace looplab::stats {

// A two-sided test's statistic and p-value.
struct TestResult {
  double statistic = 0;  // U of the first sample (Mann-Whitney) or W+ (Wilcoxon)
  double z = 0;          // its normal score, continuity-corrected
  double p = 1;          // two-sided p-value
};

// Mann-Whitney U test (Wilcoxon rank-sum) of two independent samples: are values of `a` as
// likely to exceed values of `b` as the reverse? Ties take their average rank. The p-value is the
// normal approximation with the tie correction of the variance and a continuity correction of
// 0.5 (scipy.stats.mannwhitneyu with method="asymptotic"; Google Benchmark's compare.py runs the
// same test). Fewer than 2 samples on a side, or all values equal, give p = 1.
TestResult mann_whitney_u(std::span<const double> a, std::span<const double> b);

// Wilcoxon signed-rank test that the differences d_i are symmetric about 0: zeros are dropped
// (Wilcoxon's rule), ties take average ranks, normal approximation with tie and continuity
// corrections. Fewer than 2 non-zero differences give p = 1.
TestResult wilcoxon_signed_rank(std::span<const double> differences);

// candidate / baseline for timings: above 1 the candidate is slower.
struct RatioEstimate {
  double ratio = 1;  // median(candidate) / median(baseline), or the median of paired ratios
  Interval ci;       // its percentile bootstrap interval at `level`
  TestResult test;   // Mann-Whitney (independent) or Wilcoxon on log ratios (paired)
  std::int64_t n_baseline = 0, n_candidate = 0;
};

// Independent runs: resample each side with replacement, the ratio of the resampled medians.
RatioEstimate ratio_of_medians(std::span<const double> baseline, std::span<const double> candidate, double level = 0.95,
                               int resamples = kBootstrapResamples, std::uint64_t seed = kBootstrapSeed);

// Interleaved runs, pair i measured back to back: the ratios candidate[i] / baseline[i] cancel
// the machine's drift. The estimate is the median ratio with its bootstrap interval; the test is
// Wilcoxon on log ratios. The spans must have the same length (pairs beyond the shorter are
// ignored); non-positive times are skipped.
RatioEstimate paired_ratio(std::span<const double> baseline, std::span<const double> candidate, double level = 0.95,
                           int resamples = kBootstrapResamples, std::uint64_t seed = kBootstrapSeed);

// The smallest two-sided p-value the tests above give for these sample sizes, reached when every
// sample of one side lies above every sample of the other (or every difference has one sign).
// When it is not below alpha, no difference, however large, is significant: 3 runs a side give
// 0.081 (Mann-Whitney U, normal approximation with continuity correction), 4 give 0.030.
double mann_whitney_min_p(std::size_t n1, std::size_t n2);
double wilcoxon_min_p(std::size_t n);

enum class GateVerdict : std::uint8_t {
  pass,          // the change is within the threshold, or an improvement too small to claim
  regressed,     // slower by more than the threshold: the interval lies above 1 + t, the test agrees
  improved,      // faster by more than the threshold: the interval lies below 1 - t, the test agrees
  inconclusive,  // too noisy to tell: the interval spans 1 + t, or it lies above but the test does not agree
};
std::string_view to_string(GateVerdict v);

// The verdict on a ratio for a relative threshold t (0.05: 5%) and a significance level alpha:
//   regressed     ci.lo > 1 + t and p < alpha
//   improved      ci.hi < 1 - t and p < alpha
//   inconclusive  ci.lo <= 1 + t < ci.hi, or ci.lo > 1 + t with p >= alpha
//   pass          otherwise (ci.hi <= 1 + t)
GateVerdict gate_verdict(const RatioEstimate& r, double threshold, double alpha = 0.05);

}  // namespace looplab::stats
