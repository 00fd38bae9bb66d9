// The efficiency terms. Integer tile arithmetic in doubles: shapes reach 1e6 rows in prefill
// sweeps and the factors are ratios, so exactness past 2^53 does not matter.
#include "simulator/efficiency.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>

namespace looplab::efficiency {

double tile_efficiency(std::int32_t tm, std::int32_t tn, double alpha) {
  return std::pow(static_cast<double>(tm) * tn / (128.0 * 256.0), alpha);
}

namespace {

TileChoice gemm_tiles_uncached(double m, double n, double k, std::int32_t sms, double alpha) {
  // Tile shapes of Hopper/Ampere tensor-core GEMM kernels (CUTLASS's and cuBLAS's common
  // configurations: 128x256, 128x128, 64x128, 64x64) and split-K factors; a split keeps at least
  // 256 of K per part so the partial sums stay worth their reduction.
  static constexpr std::array<std::array<std::int32_t, 2>, 4> kTiles{{{128, 256}, {128, 128}, {64, 128}, {64, 64}}};
  static constexpr std::array<std::int32_t, 4> kSplits{1, 2, 4, 8};
  TileChoice best;
  best.factor = INFINITY;
  if (m <= 0 || n <= 0 || k <= 0 || sms <= 0) return TileChoice{};
  const double useful = m * n;
  // A GEMM of at most kSkinnyRows rows (decode at small batch) runs as a skinny kernel: 16-row
  // tiles, the M side of the smallest tensor-core instruction (mma m16n8k16), that stream the
  // weights once. They are memory-bound by design, so the operand-reuse loss of small tiles that
  // tile_efficiency models for compute-bound tiles does not apply to them.
  if (m <= kSkinnyRows) {
    for (const std::int32_t tn : {128, 64}) {
      const double tiles = std::ceil(n / tn);
      const double padding = tiles * kSkinnyRows * tn / useful;
      for (const std::int32_t s : kSplits) {
        if (s > 1 && k / s < 256) break;
        const double blocks = tiles * s;
        const double factor = padding * (std::ceil(blocks / sms) * sms) / blocks;
        if (factor < best.factor - 1e-12) best = {kSkinnyRows, tn, s, factor};
      }
    }
    return best;
  }
  for (const auto& [tm, tn] : kTiles) {
    const double tiles = std::ceil(m / tm) * std::ceil(n / tn);
    const double padding = tiles * tm * tn / useful / tile_efficiency(tm, tn, alpha);
    for (const std::int32_t s : kSplits) {
      if (s > 1 && k / s < 256) break;
      const double blocks = tiles * s;
      const double waves = std::ceil(blocks / sms);
      const double factor = padding * (waves * sms) / blocks;
      if (factor < best.factor - 1e-12) best = {tm, tn, s, factor};
    }
  }
  return best;
}

struct TileMemo {
  double m = -1, n = 0, k = 0, alpha = 0;
  std::int32_t sms = 0;
  TileChoice choice;
};

}  // namespace

// A pure function that a run of decode steps asks about the same few GEMM shapes over and over
// (a few per batch), and 40% of a decode step's cost: a per-thread cache of its answers (512
// sets of 2, so a grid of a hundred batches stays in it) returns the same bits in a few ns.
TileChoice gemm_tiles(double m, double n, double k, std::int32_t sms, double alpha) {
  thread_local std::array<std::array<TileMemo, 2>, 512> memo;
  // Fibonacci hashing: the product's top bits depend on every bit of the key (integral doubles
  // differ in their high bits only, so the low bits of a hash would not tell them apart).
  const std::uint64_t key = std::bit_cast<std::uint64_t>(m) ^ std::rotl(std::bit_cast<std::uint64_t>(n), 21) ^
                            std::rotl(std::bit_cast<std::uint64_t>(k), 42);
  std::array<TileMemo, 2>& set = memo[(key * 0x9E3779B97F4A7C15ull) >> 55];  // 2^9 = 512 sets
  for (const TileMemo& e : set)
    if (e.m == m && e.n == n && e.k == k && e.sms == sms && e.alpha == alpha) return e.choice;
  set[1] = set[0];  // the older entry goes
  set[0] = {m, n, k, alpha, sms, gemm_tiles_uncached(m, n, k, sms, alpha)};
  return set[0].choice;
}

double parallel_fraction(double blocks, std::int32_t sms, double blocks_per_sm) {
  if (sms <= 0 || blocks_per_sm <= 0) return 1.0;
  return std::clamp(blocks / (sms * blocks_per_sm), 1e-6, 1.0);
}

std::int64_t decode_splits(std::int64_t units, std::int64_t kv_len, std::int32_t sms, std::int64_t split_tokens) {
  if (kv_len < 1 || units < 1) return 1;
  if (split_tokens > 0) return (kv_len + split_tokens - 1) / split_tokens;
  if (split_tokens == 0) return 1;
  constexpr std::int64_t kMinKeys = 256;
  const std::int64_t by_context = std::max<std::int64_t>(1, kv_len / kMinKeys);
  const std::int64_t to_fill = (static_cast<std::int64_t>(sms) + units - 1) / units;
  return std::clamp<std::int64_t>(to_fill, 1, by_context);
}

double overlapped(double compute_s, double memory_s, double overlap) {
  return std::max(compute_s, memory_s) + (1.0 - overlap) * std::min(compute_s, memory_s);
}

}  // namespace looplab::efficiency
