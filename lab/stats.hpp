// Measurement statistics, the one definition looplab uses everywhere (CLI, GUI, calibration,
// benchmarks): quantiles, a bootstrap confidence interval of the median, MAD outliers and the
// noise verdict of a set of timings. Pure functions of the samples; no clock, no I/O.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace looplab::stats {

// The quantile p (0..1) of sorted samples: Hyndman and Fan's definition 7, the default of R and
// numpy. With h = (n - 1) p, q = x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]), x
// 0-based. So the median of an even count is the mean of the two middle samples, and p10 of
// {1, ..., 11} is 2. Empty input gives 0; p is clamped to [0, 1].
double quantile_sorted(std::span<const double> sorted, double p);
// The same on unsorted samples (sorts a copy).
double quantile(std::vector<double> samples, double p);
double median(std::vector<double> samples);

// Median absolute deviation from the median (unscaled; times 1.4826 it estimates the standard
// deviation of normal samples).
double mad(std::span<const double> samples);

// Outliers by the MAD rule: |x - median| > k * 1.4826 * MAD, k = 3.5 by default (Iglewicz and
// Hoaglin's modified z-score bound). When MAD is 0 (over half the samples equal) any sample that
// differs from the median by more than 1e-9 of it is an outlier. Returns the indices, ascending.
inline constexpr double kOutlierK = 3.5;
std::vector<std::size_t> mad_outliers(std::span<const double> samples, double k = kOutlierK);

struct Interval {
  double lo = 0, hi = 0;
  friend bool operator==(const Interval&, const Interval&) = default;
};

// Percentile bootstrap confidence interval of the median: `resamples` resamplings with
// replacement, the interval between the (1 - level)/2 and (1 + level)/2 quantiles of their
// medians. Deterministic: the same samples and seed give the same interval on every machine.
// Fewer than 2 samples give the degenerate interval [x, x] (or [0, 0]).
inline constexpr int kBootstrapResamples = 2000;
inline constexpr std::uint64_t kBootstrapSeed = 0x5eed100b1ab5ULL;
Interval bootstrap_median_ci(std::span<const double> samples, double level = 0.95, int resamples = kBootstrapResamples,
                             std::uint64_t seed = kBootstrapSeed);

// The distribution-free interval of the median from order statistics: the number of samples
// below the true median is Binomial(n, 1/2), so with z the normal quantile of `level` the sorted
// samples of 1-based ranks floor(n/2 - z sqrt(n)/2) and ceil(1 + n/2 + z sqrt(n)/2) bound it
// (Conover, Practical Nonparametric Statistics, ch. 3). One sort instead of 2,000 selections;
// for large n the bootstrap converges to it. `sorted` ascending.
Interval order_statistic_median_ci(std::span<const double> sorted, double level = 0.95);

// summarize() uses the bootstrap up to this many samples and order statistics above: a run of
// 100,000 decode steps then summarizes in milliseconds, not minutes.
inline constexpr std::size_t kBootstrapMaxSamples = 1000;

// What a set of timings says about itself.
enum class Verdict : std::uint8_t {
  quiet,     // the median is known to within the noise threshold
  noisy,     // usable, but the 95% interval is wider than the threshold: say so beside the number
  unusable,  // too few samples, or an interval so wide that the median means little
};
std::string_view to_string(Verdict v);
// "quiet", "noisy", "unusable"; anything else reads as unusable.
Verdict parse_verdict(std::string_view s);

// The thresholds of the verdict, on the relative half-width of the 95% interval of the median,
// (hi - lo) / 2 / median. Why these: a quiet CPU run of 16 decode steps x 5 repeats on an idle
// machine stays well under 2%; one busy core stalling the OpenMP barrier pushes it far beyond;
// 10% is where a measured ratio between two variants (the paper's ladder is 1.00-1.23x) stops
// meaning anything.
struct NoiseThresholds {
  double noisy_half_width = 0.02;     // above: noisy
  double unusable_half_width = 0.10;  // above: unusable
  std::int64_t min_samples = 5;       // fewer: unusable
};

struct Summary {
  std::int64_t samples = 0;
  double median = 0;
  Interval ci;  // 95% bootstrap interval of the median
  double p10 = 0, p90 = 0;
  double min = 0, max = 0;
  std::int64_t outliers = 0;  // MAD rule
  Verdict verdict = Verdict::unusable;
  // (ci.hi - ci.lo) / 2 / median; 0 when the median is 0.
  double relative_half_width() const;
};

// Everything above for one set of samples (seconds or any unit; all fields share it).
Summary summarize(std::span<const double> samples, const NoiseThresholds& thresholds = {});
Verdict verdict_of(const Summary& s, const NoiseThresholds& thresholds = {});

// The worse of two verdicts (unusable > noisy > quiet).
Verdict worst(Verdict a, Verdict b);

}  // namespace looplab::stats
