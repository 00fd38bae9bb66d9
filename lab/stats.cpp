// Quantiles, bootstrap interval of the median, MAD outliers and the noise verdict (stats.hpp).
#include "lab/stats.hpp"

#include <algorithm>
#include <cmath>

#include "lab/stats_detail.hpp"

namespace looplab::stats {

double quantile_sorted(std::span<const double> sorted, double p) {
  if (sorted.empty()) return 0;
  const double h = std::clamp(p, 0.0, 1.0) * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

double quantile(std::vector<double> samples, double p) {
  std::sort(samples.begin(), samples.end());
  return quantile_sorted(samples, p);
}

double median(std::vector<double> samples) { return quantile(std::move(samples), 0.5); }

double mad(std::span<const double> samples) {
  const double m = median({samples.begin(), samples.end()});
  std::vector<double> dev;
  dev.reserve(samples.size());
  for (double x : samples) dev.push_back(std::abs(x - m));
  return median(std::move(dev));
}

std::vector<std::size_t> mad_outliers(std::span<const double> samples, double k) {
  std::vector<std::size_t> out;
  if (samples.size() < 3) return out;
  const double m = median({samples.begin(), samples.end()});
  const double spread = 1.4826 * mad(samples);
  const double limit = spread > 0 ? k * spread : 1e-9 * std::abs(m);
  for (std::size_t i = 0; i < samples.size(); ++i)
    if (std::abs(samples[i] - m) > limit) out.push_back(i);
  return out;
}

Interval bootstrap_median_ci(std::span<const double> samples, double level, int resamples, std::uint64_t seed) {
  if (samples.empty()) return {};
  if (samples.size() == 1 || resamples < 1) {
    const double m = median({samples.begin(), samples.end()});
    return {m, m};
  }
  detail::SplitMix64 rng{seed};
  const std::size_t n = samples.size();
  std::vector<double> draw(n), medians;
  medians.reserve(static_cast<std::size_t>(resamples));
  for (int b = 0; b < resamples; ++b) {
    for (double& x : draw) x = samples[rng.below(n)];
    medians.push_back(detail::median_in_place(draw));
  }
  std::sort(medians.begin(), medians.end());
  const double tail = (1.0 - std::clamp(level, 0.0, 1.0)) / 2.0;
  return {quantile_sorted(medians, tail), quantile_sorted(medians, 1.0 - tail)};
}

Interval order_statistic_median_ci(std::span<const double> sorted, double level) {
  const std::size_t n = sorted.size();
  if (n == 0) return {};
  // z with P(|Z| <= z) = level, by bisection on erf (level 0.95 gives 1.95996).
  const double p = std::clamp(level, 0.0, 0.999999);
  double lo_z = 0, hi_z = 10;
  for (int i = 0; i < 100; ++i) {
    const double mid = 0.5 * (lo_z + hi_z);
    (std::erf(mid / std::sqrt(2.0)) < p ? lo_z : hi_z) = mid;
  }
  const double half = 0.5 * hi_z * std::sqrt(static_cast<double>(n));
  const double nd = static_cast<double>(n);
  const double j = std::floor(nd / 2 - half), k = std::ceil(1 + nd / 2 + half);  // 1-based ranks
  const auto at = [&](double rank) {
    const double i = std::clamp(rank - 1, 0.0, nd - 1);
    return sorted[static_cast<std::size_t>(i)];
  };
  return {at(j), at(k)};
}

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::quiet:
      return "quiet";
    case Verdict::noisy:
      return "noisy";
    case Verdict::unusable:
      return "unusable";
  }
  return "unusable";
}

Verdict parse_verdict(std::string_view s) {
  if (s == "quiet") return Verdict::quiet;
  if (s == "noisy") return Verdict::noisy;
  return Verdict::unusable;
}

double Summary::relative_half_width() const { return median != 0 ? (ci.hi - ci.lo) / 2.0 / std::abs(median) : 0.0; }

Verdict verdict_of(const Summary& s, const NoiseThresholds& t) {
  if (s.samples < t.min_samples) return Verdict::unusable;
  const double w = s.relative_half_width();
  if (w > t.unusable_half_width) return Verdict::unusable;
  if (w > t.noisy_half_width) return Verdict::noisy;
  return Verdict::quiet;
}

Summary summarize(std::span<const double> samples, const NoiseThresholds& thresholds) {
  Summary s;
  s.samples = static_cast<std::int64_t>(samples.size());
  if (samples.empty()) return s;
  std::vector<double> sorted(samples.begin(), samples.end());
  std::sort(sorted.begin(), sorted.end());
  s.median = quantile_sorted(sorted, 0.5);
  s.p10 = quantile_sorted(sorted, 0.1);
  s.p90 = quantile_sorted(sorted, 0.9);
  s.min = sorted.front();
  s.max = sorted.back();
  s.ci = samples.size() > kBootstrapMaxSamples ? order_statistic_median_ci(sorted) : bootstrap_median_ci(samples);
  s.outliers = static_cast<std::int64_t>(mad_outliers(samples).size());
  s.verdict = verdict_of(s, thresholds);
  return s;
}

Verdict worst(Verdict a, Verdict b) { return static_cast<int>(a) >= static_cast<int>(b) ? a : b; }

}  // namespace looplab::stats
