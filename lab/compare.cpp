// Ratio of medians, Mann-Whitney U, Wilcoxon signed-rank and the gate verdict (compare.hpp).
#include "lab/compare.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "lab/stats_detail.hpp"

namespace looplab::stats {

namespace {

// Average ranks (1-based) of `v`, and the tie term sum(t^3 - t) over groups of equal values.
std::vector<double> average_ranks(std::span<const double> v, double& tie_term) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return v[x] < v[y]; });
  std::vector<double> rank(v.size());
  tie_term = 0;
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    const double avg = 0.5 * static_cast<double>(i + j) + 1.0;  // ranks i+1 .. j+1
    for (std::size_t k = i; k <= j; ++k) rank[order[k]] = avg;
    const double t = static_cast<double>(j - i + 1);
    tie_term += t * t * t - t;
    i = j + 1;
  }
  return rank;
}

// Two-sided p-value of a statistic with the given mean and variance, continuity-corrected.
TestResult normal_test(double statistic, double mean, double variance) {
  TestResult r;
  r.statistic = statistic;
  if (!(variance > 0)) return r;
  const double d = statistic - mean;
  const double corrected = std::max(0.0, std::abs(d) - 0.5);
  r.z = std::copysign(corrected / std::sqrt(variance), d);
  r.p = std::min(1.0, std::erfc(std::abs(r.z) / std::sqrt(2.0)));
  return r;
}

}  // namespace

TestResult mann_whitney_u(std::span<const double> a, std::span<const double> b) {
  const std::size_t n1 = a.size(), n2 = b.size();
  TestResult none;
  none.statistic = 0.5 * static_cast<double>(n1 * n2);
  if (n1 < 2 || n2 < 2) return none;
  std::vector<double> all(a.begin(), a.end());
  all.insert(all.end(), b.begin(), b.end());
  double ties = 0;
  const std::vector<double> rank = average_ranks(all, ties);
  const double r1 = std::accumulate(rank.begin(), rank.begin() + static_cast<std::ptrdiff_t>(n1), 0.0);
  const double m1 = static_cast<double>(n1), m2 = static_cast<double>(n2), n = m1 + m2;
  const double u1 = r1 - m1 * (m1 + 1) / 2;
  const double variance = m1 * m2 / 12.0 * ((n + 1) - ties / (n * (n - 1)));
  return normal_test(u1, m1 * m2 / 2, variance);
}

TestResult wilcoxon_signed_rank(std::span<const double> differences) {
  std::vector<double> abs_d, sign;
  for (double d : differences)
    if (d != 0 && std::isfinite(d)) {
      abs_d.push_back(std::abs(d));
      sign.push_back(d > 0 ? 1.0 : -1.0);
    }
  TestResult none;
  const double n = static_cast<double>(abs_d.size());
  none.statistic = n * (n + 1) / 4;
  if (abs_d.size() < 2) return none;
  double ties = 0;
  const std::vector<double> rank = average_ranks(abs_d, ties);
  double w_plus = 0;
  for (std::size_t i = 0; i < rank.size(); ++i)
    if (sign[i] > 0) w_plus += rank[i];
  const double variance = n * (n + 1) * (2 * n + 1) / 24.0 - ties / 48.0;
  return normal_test(w_plus, n * (n + 1) / 4, variance);
}

RatioEstimate ratio_of_medians(std::span<const double> baseline, std::span<const double> candidate, double level,
                               int resamples, std::uint64_t seed) {
  RatioEstimate r;
  r.n_baseline = static_cast<std::int64_t>(baseline.size());
  r.n_candidate = static_cast<std::int64_t>(candidate.size());
  if (baseline.empty() || candidate.empty()) return r;
  const double mb = median({baseline.begin(), baseline.end()});
  const double mc = median({candidate.begin(), candidate.end()});
  r.ratio = mb > 0 ? mc / mb : 1;
  r.ci = {r.ratio, r.ratio};
  r.test = mann_whitney_u(candidate, baseline);
  if (resamples < 1 || (baseline.size() < 2 && candidate.size() < 2)) return r;
  detail::SplitMix64 rng{seed};
  std::vector<double> db(baseline.size()), dc(candidate.size()), ratios;
  ratios.reserve(static_cast<std::size_t>(resamples));
  for (int i = 0; i < resamples; ++i) {
    for (double& x : db) x = baseline[rng.below(baseline.size())];
    for (double& x : dc) x = candidate[rng.below(candidate.size())];
    const double b = detail::median_in_place(db);
    if (b > 0) ratios.push_back(detail::median_in_place(dc) / b);
  }
  if (ratios.empty()) return r;
  std::sort(ratios.begin(), ratios.end());
  const double tail = (1.0 - std::clamp(level, 0.0, 1.0)) / 2.0;
  r.ci = {quantile_sorted(ratios, tail), quantile_sorted(ratios, 1.0 - tail)};
  return r;
}

RatioEstimate paired_ratio(std::span<const double> baseline, std::span<const double> candidate, double level,
                           int resamples, std::uint64_t seed) {
  std::vector<double> ratios, logs;
  const std::size_t n = std::min(baseline.size(), candidate.size());
  for (std::size_t i = 0; i < n; ++i)
    if (baseline[i] > 0 && candidate[i] > 0) {
      ratios.push_back(candidate[i] / baseline[i]);
      logs.push_back(std::log(candidate[i] / baseline[i]));
    }
  RatioEstimate r;
  r.n_baseline = r.n_candidate = static_cast<std::int64_t>(ratios.size());
  if (ratios.empty()) return r;
  r.ratio = median(ratios);
  r.ci = bootstrap_median_ci(ratios, level, resamples, seed);
  r.test = wilcoxon_signed_rank(logs);
  return r;
}

double mann_whitney_min_p(std::size_t n1, std::size_t n2) {
  std::vector<double> a(n1), b(n2);
  std::iota(a.begin(), a.end(), 0.0);
  std::iota(b.begin(), b.end(), static_cast<double>(n1));
  return mann_whitney_u(b, a).p;
}

double wilcoxon_min_p(std::size_t n) {
  std::vector<double> d(n);
  std::iota(d.begin(), d.end(), 1.0);
  return wilcoxon_signed_rank(d).p;
}

std::string_view to_string(GateVerdict v) {
  switch (v) {
    case GateVerdict::pass:
      return "pass";
    case GateVerdict::regressed:
      return "regressed";
    case GateVerdict::improved:
      return "improved";
    case GateVerdict::inconclusive:
      return "inconclusive";
  }
  return "?";
}

GateVerdict gate_verdict(const RatioEstimate& r, double threshold, double alpha) {
  const bool significant = r.test.p < alpha;
  const double up = 1 + threshold, down = 1 - threshold;
  if (r.ci.lo > up) return significant ? GateVerdict::regressed : GateVerdict::inconclusive;
  if (r.ci.hi > up) return GateVerdict::inconclusive;
  if (r.ci.hi < down && significant) return GateVerdict::improved;
  return GateVerdict::pass;
}

}  // namespace looplab::stats
