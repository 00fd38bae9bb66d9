// Change points in a metric's history: where did the distribution of a benchmark's results shift,
// and is the shift more than noise? This is E-divisive means (Matteson and James, "A nonparametric
// approach for multiple change point analysis of multivariate data", JASA 2014), the method behind
// the change-point views of MongoDB's and Apache Otava's (formerly Hunter) performance CI. It needs
// no model of the noise and no threshold on the size of a shift: a split is kept when a
// permutation test says no reordering of the same points separates them as well.
//
// The statistic. For a segment split into X = x_1..x_m (before) and Y = y_1..y_n (after), with
// d(u, v) = |u - v|^a and 0 < a < 2 (`power`),
//
//   E(X, Y) = 2/(m n) sum_{i,j} d(x_i, y_j) - 1/C(m,2) sum_{i<k} d(x_i, x_k) - 1/C(n,2) sum_{j<k} d(y_j, y_k)
//   q(X, Y) = m n / (m + n) * E(X, Y)
//
// E estimates the energy distance between the two distributions: zero in expectation when they
// are the same, positive when they differ in any way (location, spread, shape); m n / (m + n)
// scales it so that q of a real shift grows with the evidence. The split of a segment is the tau
// that maximizes q(segment[0, tau), segment[tau, end)) with at least `min_segment` points on
// each side; the right part always runs to the end of the segment (Matteson and James also let
// it end earlier, at a kappa; fixing kappa at the end keeps the search to O(n^2) per segment).
//
// The test. The segment's points are shuffled `permutations` times; each shuffle's best q (over
// every tau, as for the real order) is one draw from the statistic's null distribution. With r
// draws at least the observed q, p = (1 + r) / (1 + permutations). A split is kept if p < alpha.
//
// The recursion. E-divisive splits the series at its best significant split, then looks for the
// next most significant one among the resulting segments, and stops when none is significant.
// Here each segment's test depends only on its own points and on a seed derived from its bounds,
// so the order of the splits cannot change which are kept: splitting every significant segment
// recursively gives the same change points as the most-significant-first order run to its end.
//
// Cost: all splits of a segment of n points in O(n^2) (sums of d for each point against the
// points before and after it, then prefix and suffix sums), so a test is O(permutations n^2);
// 300 points with 199 permutations take milliseconds. Memory O(n). Deterministic for a seed.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace looplab::stats {

struct ChangePoint {
  std::size_t index = 0;   // the first point of the new segment
  double statistic = 0;    // q at the split, within the parent segment
  double p = 1;            // permutation p-value
  double before_mean = 0;  // mean of the parent segment's points before `index`
  double after_mean = 0;   // mean of the parent segment's points from `index` on
  friend bool operator==(const ChangePoint&, const ChangePoint&) = default;
};

struct ChangePointOptions {
  std::size_t min_segment = 3;  // points on each side of a split at least; below 2 reads as 2
  double alpha = 0.01;          // a split is kept if p < alpha
  int permutations = 199;       // size of the permutation test; 0 or less gives p = 1 (nothing kept)
  std::uint64_t seed = 0x5eed;  // the permutations; the same seed gives the same result everywhere
  double power = 1.0;           // the exponent a on |x - y|; outside (0, 2) reads as 1
};

// q(before, after) by the formula above, directly (O((m + n)^2)): the reference the search is
// checked against. Fewer than 2 points on a side gives 0 (a within-side mean needs a pair).
double energy_statistic(std::span<const double> before, std::span<const double> after, double power = 1.0);

// Hierarchical E-divisive over `series` in time order. Returns the kept change points sorted by
// index. A series shorter than 2 * min_segment has none. Values must be finite: a NaN or an
// infinity makes every statistic of a segment that holds it NaN, so that segment is not split.
std::vector<ChangePoint> find_change_points(std::span<const double> series, const ChangePointOptions& options = {});

}  // namespace looplab::stats
