// E-divisive change points: the energy statistic, the O(n^2) search over all splits of a segment,
// the permutation test and the hierarchical splitting (changepoint.hpp).
#include "lab/changepoint.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <utility>

#include "lab/stats_detail.hpp"

namespace looplab::stats {

namespace {

// d(u, v) = |u - v|^a. The default a = 1 gets its own type so that the search's inner loop has
// no pow and no branch in it: pow is most of the cost otherwise.
struct AbsDistance {
  double operator()(double u, double v) const { return std::abs(u - v); }
};
struct PowDistance {
  double a;
  double operator()(double u, double v) const { return std::pow(std::abs(u - v), a); }
};

// Outside (0, 2) the energy distance no longer tells distributions apart (a = 2 sees only the
// means), and a <= 0 is not a distance at all.
double usable_power(double power) { return power > 0 && power < 2 ? power : 1.0; }

// q from the three sums of d: across the split, within the m points before, within the n after.
double q_of(double m, double n, double across, double within_before, double within_after) {
  const double e = 2 * across / (m * n) - within_before / (m * (m - 1) / 2) - within_after / (n * (n - 1) / 2);
  return m * n / (m + n) * e;
}

struct Split {
  std::size_t tau = 0;
  double q = -std::numeric_limits<double>::infinity();
  bool found = false;  // false when the segment is too short, or every q is NaN
};

// Buffers reused by every search of one segment and its permutations.
struct Scratch {
  std::vector<double> before, after, shuffled;
};

// The best split of x over tau in [min_segment, n - min_segment], all of them in O(n^2): for each
// point k the sums of d against the points before it (before[k]) and after it (after[k]). Then the
// pairs within x[0, tau) sum to W(tau) = before[0] + ... + before[tau - 1], the pairs within
// x[tau, n) to R(tau) = after[tau] + ... + after[n - 1], and the pairs across to T - W - R, with T
// the sum over all pairs. The first q of equal ones wins, so the result does not depend on ties.
template <class Distance>
Split best_split_with(std::span<const double> x, std::size_t min_segment, Distance d, Scratch& s) {
  const std::size_t n = x.size();
  Split best;
  if (n / 2 < min_segment) return best;  // n < 2 min_segment, without overflow for a huge min_segment
  s.before.assign(n, 0.0);
  s.after.assign(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    double row = 0;
    for (std::size_t j = i + 1; j < n; ++j) {
      const double dij = d(x[i], x[j]);
      row += dij;
      s.before[j] += dij;
    }
    s.after[i] = row;
  }
  for (std::size_t k = n - 1; k-- > 0;) s.after[k] += s.after[k + 1];  // now R(k), a suffix sum
  const double total = s.after[0];
  double within_before = 0;  // W(tau)
  for (std::size_t k = 0; k < min_segment; ++k) within_before += s.before[k];
  for (std::size_t tau = min_segment; tau + min_segment <= n; ++tau) {
    const double within_after = s.after[tau];
    const double across = total - within_before - within_after;
    const double q = q_of(static_cast<double>(tau), static_cast<double>(n - tau), across, within_before, within_after);
    if (q > best.q) best = {tau, q, true};
    within_before += s.before[tau];  // W(tau + 1)
  }
  return best;
}

Split best_split(std::span<const double> x, std::size_t min_segment, double power, Scratch& s) {
  if (power == 1.0) return best_split_with(x, min_segment, AbsDistance{}, s);
  return best_split_with(x, min_segment, PowDistance{power}, s);
}

// The permutation p-value of a segment's best split: shuffle the segment, take the best q of the
// shuffled order over every tau (the maximum is what was observed, so the maximum is what the
// null must be compared with), count the shuffles that reach the observed q.
double permutation_p(std::span<const double> segment, double observed, std::size_t min_segment, double power,
                     int permutations, std::uint64_t seed, Scratch& s) {
  if (permutations <= 0) return 1;
  detail::SplitMix64 rng{seed};
  s.shuffled.assign(segment.begin(), segment.end());
  // An order that is the observed one in disguise (ties, a repeated value) gives the same q
  // through a different summation order; count it as reaching the observed q, not as missing it
  // by a rounding error.
  const double bar = observed - 1e-12 * std::abs(observed);
  int reached = 0;
  for (int i = 0; i < permutations; ++i) {
    // Fisher-Yates; shuffling the previous shuffle is as uniform as shuffling the original.
    for (std::size_t k = s.shuffled.size() - 1; k > 0; --k) std::swap(s.shuffled[k], s.shuffled[rng.below(k + 1)]);
    if (best_split(s.shuffled, min_segment, power, s).q >= bar) ++reached;
  }
  return (1.0 + reached) / (1.0 + permutations);
}

// A seed for the segment [begin, end): the segment's test then depends on nothing but its points
// and the options' seed, not on which segments were tested before it.
std::uint64_t segment_seed(std::uint64_t seed, std::size_t begin, std::size_t end) {
  detail::SplitMix64 mix{seed ^ (static_cast<std::uint64_t>(begin) << 32) ^ static_cast<std::uint64_t>(end)};
  return mix.next();
}

double mean_of(std::span<const double> x) {
  return std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
}

// q by the formula, term by term: what the O(n^2) search is checked against.
template <class Distance>
double energy_statistic_with(std::span<const double> before, std::span<const double> after, Distance d) {
  const std::size_t m = before.size(), n = after.size();
  double across = 0, within_before = 0, within_after = 0;
  for (double x : before)
    for (double y : after) across += d(x, y);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t k = i + 1; k < m; ++k) within_before += d(before[i], before[k]);
  for (std::size_t j = 0; j < n; ++j)
    for (std::size_t k = j + 1; k < n; ++k) within_after += d(after[j], after[k]);
  return q_of(static_cast<double>(m), static_cast<double>(n), across, within_before, within_after);
}

}  // namespace

double energy_statistic(std::span<const double> before, std::span<const double> after, double power) {
  if (before.size() < 2 || after.size() < 2) return 0;
  power = usable_power(power);
  if (power == 1.0) return energy_statistic_with(before, after, AbsDistance{});
  return energy_statistic_with(before, after, PowDistance{power});
}

std::vector<ChangePoint> find_change_points(std::span<const double> series, const ChangePointOptions& options) {
  const std::size_t min_segment = std::max<std::size_t>(2, options.min_segment);
  const double power = usable_power(options.power);
  std::vector<ChangePoint> found;
  Scratch scratch;
  // Segments still to be tried, as [begin, end); an explicit stack, since a drifting series can
  // peel off min_segment points at a time and recursion that deep could overflow the call stack.
  std::vector<std::pair<std::size_t, std::size_t>> pending{{0, series.size()}};
  while (!pending.empty()) {
    const auto [begin, end] = pending.back();
    pending.pop_back();
    const std::span<const double> segment = series.subspan(begin, end - begin);
    const Split split = best_split(segment, min_segment, power, scratch);
    if (!split.found) continue;
    const double p = permutation_p(segment, split.q, min_segment, power, options.permutations,
                                   segment_seed(options.seed, begin, end), scratch);
    if (!(p < options.alpha)) continue;
    found.push_back(
        {begin + split.tau, split.q, p, mean_of(segment.first(split.tau)), mean_of(segment.subspan(split.tau))});
    pending.emplace_back(begin, begin + split.tau);
    pending.emplace_back(begin + split.tau, end);
  }
  std::sort(found.begin(), found.end(), [](const ChangePoint& a, const ChangePoint& b) { return a.index < b.index; });
  return found;
}

}  // namespace looplab::stats
