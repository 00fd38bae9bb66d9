// Internals shared by the statistics files (stats.cpp, compare.cpp): a seeded generator whose
// sequence is the same on every platform, and a linear-time median.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace looplab::stats::detail {

// splitmix64: a small, well-mixed generator whose sequence is fixed by the seed on every
// platform (std::uniform_int_distribution is not).
struct SplitMix64 {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n): the modulo bias is below n / 2^64, far under anything a sample size shows.
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

// The median (definition 7) in linear time; reorders v.
inline double median_in_place(std::vector<double>& v) {
  const std::size_t n = v.size(), mid = n / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  if (n % 2 == 1) return v[mid];
  const double upper = v[mid];
  const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return lower + 0.5 * (upper - lower);
}

}  // namespace looplab::stats::detail
