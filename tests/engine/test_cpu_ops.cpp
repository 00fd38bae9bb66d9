// CPU kernels against plain loops: matmul_nt (strides, accumulate, odd sizes), attention over a
// ring, RMSNorm, RoPE preserving norms; the weight arena.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "engine/cpu/attention.hpp"
#include "engine/cpu/matmul.hpp"
#include "engine/cpu/rmsnorm.hpp"
#include "engine/cpu/rope.hpp"
#include "engine/cpu/weight_arena.hpp"

using namespace looplab;

namespace {
std::vector<float> ramp(std::size_t n, float scale, float offset) {
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = scale * std::sin(0.37f * static_cast<float>(i) + offset);
  return v;
}
}  // namespace

TEST(CpuOps, MatmulMatchesPlainLoops) {
  for (std::int64_t m : {1, 3, 8})
    for (std::int64_t n : {1, 5, 8, 13})
      for (std::int64_t k : {1, 7, 64}) {
        const std::int64_t ldx = k + 3, ldw = k + 1, ldy = n + 2;
        auto x = ramp(static_cast<std::size_t>(m * ldx), 1.0f, 0.1f);
        auto w = ramp(static_cast<std::size_t>(n * ldw), 0.5f, 0.7f);
        auto y = ramp(static_cast<std::size_t>(m * ldy), 2.0f, 0.3f);
        const auto y0 = y;
        cpu::matmul_nt({x.data(), w.data(), y.data(), m, n, k, ldx, ldw, ldy, cpu::Accumulate::yes});
        for (std::int64_t r = 0; r < m; ++r)
          for (std::int64_t c = 0; c < ldy; ++c) {
            double want = y0[static_cast<std::size_t>(r * ldy + c)];
            if (c < n)
              for (std::int64_t i = 0; i < k; ++i)
                want += static_cast<double>(x[static_cast<std::size_t>(r * ldx + i)]) *
                        w[static_cast<std::size_t>(c * ldw + i)];
            EXPECT_NEAR(y[static_cast<std::size_t>(r * ldy + c)], want, 1e-4 * (1 + std::fabs(want)))
                << "m " << m << " n " << n << " k " << k << " at " << r << "," << c;
          }
        cpu::matmul_nt({x.data(), w.data(), y.data(), m, n, k, ldx, ldw, ldy, cpu::Accumulate::no});
        double want = 0;
        for (std::int64_t i = 0; i < k; ++i)
          want += static_cast<double>(x[static_cast<std::size_t>(i)]) * w[static_cast<std::size_t>(i)];
        EXPECT_NEAR(y[0], want, 1e-4 * (1 + std::fabs(want)));
      }
}

TEST(CpuOps, AttentionOverARingReadsTheRightSlots) {
  // 5 ring slots holding positions 5..9 of a sequence (slot = position % 5); attend to 7..9.
  const std::int64_t dh = 4, slots = 5;
  std::vector<float> k(static_cast<std::size_t>(slots * dh)), v(k.size());
  for (std::int64_t pos = 5; pos < 10; ++pos)
    for (std::int64_t j = 0; j < dh; ++j) {
      k[static_cast<std::size_t>((pos % slots) * dh + j)] = 0.1f * static_cast<float>(pos + j);
      v[static_cast<std::size_t>((pos % slots) * dh + j)] = static_cast<float>(pos * 10 + j);
    }
  const std::vector<float> q = {0.3f, -0.2f, 0.5f, 0.1f};
  std::vector<float> out(static_cast<std::size_t>(dh));
  const float* qs[] = {q.data()};
  float* outs[] = {out.data()};
  std::vector<float> scratch;
  cpu::attend({qs, outs, 1, 7, 9, dh, 0.5f}, {k.data(), v.data(), dh, slots}, scratch);
  double s[3], sum = 0;
  for (int t = 0; t < 3; ++t) {
    double dot = 0;
    for (int j = 0; j < dh; ++j) dot += q[static_cast<std::size_t>(j)] * 0.1 * (7 + t + j);
    sum += s[t] = std::exp(0.5 * dot);
  }
  for (int j = 0; j < dh; ++j) {
    double want = 0;
    for (int t = 0; t < 3; ++t) want += s[t] / sum * ((7 + t) * 10 + j);
    EXPECT_NEAR(out[static_cast<std::size_t>(j)], want, 1e-4);
  }
}

TEST(CpuOps, RmsNormAndRope) {
  const std::vector<float> x = {3, -4, 0, 0}, w = {1, 2, 1, 1};
  std::vector<float> y(4);
  cpu::rmsnorm({x.data(), w.data(), y.data(), 1, 4, 0, 0, 0.0});
  // rms = sqrt(25/4) = 2.5
  EXPECT_FLOAT_EQ(y[0], 1.2f);
  EXPECT_FLOAT_EQ(y[1], -3.2f);
  cpu::RopeTable rope(16, 4, 10000.0);
  std::vector<float> v = {1, 2, 3, 4};
  cpu::apply_rope(v.data(), 1, 4, rope.cos(0), rope.sin(0));
  EXPECT_EQ(v, (std::vector<float>{1, 2, 3, 4}));  // position 0 is the identity
  cpu::apply_rope(v.data(), 1, 4, rope.cos(5), rope.sin(5));
  // Pair (0, 2) rotates by angle 5 (frequency 1): (1, 3) -> (cos5 - 3 sin5, 3 cos5 + sin5).
  EXPECT_NEAR(v[0], std::cos(5.0) - 3 * std::sin(5.0), 1e-5);
  EXPECT_NEAR(v[2], 3 * std::cos(5.0) + std::sin(5.0), 1e-5);
  EXPECT_NEAR(v[0] * v[0] + v[2] * v[2], 10.0, 1e-4);
  EXPECT_NEAR(v[1] * v[1] + v[3] * v[3], 20.0, 1e-4);
}

// The arena starts on a 2 MiB boundary, hands out zeroed floats back to back, refuses to hand
// out more than it reserved, and can be reset to another size.
TEST(CpuOps, WeightArenaIsAlignedContiguousAndBounded) {
  cpu::WeightArena a;
  a.reset(1000);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(a.data()) % (std::uintptr_t{2} << 20), 0u);
  const std::span<float> x = a.take(600), y = a.take(400);
  EXPECT_EQ(x.data(), a.data());
  EXPECT_EQ(y.data(), x.data() + 600);
  for (float v : x) ASSERT_EQ(v, 0.0f);
  y[399] = 1.5f;  // the last float is writable
  EXPECT_EQ(a.used(), 1000u);
  EXPECT_THROW(a.take(1), std::logic_error);
  a.reset(3u << 20);  // 12 MiB: more than one huge page
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(a.data()) % (std::uintptr_t{2} << 20), 0u);
  std::span<float> big = a.take(3u << 20);
  big.back() = 2.0f;
  EXPECT_EQ(big.front(), 0.0f);
  a.reset(0);
  EXPECT_EQ(a.data(), nullptr);
  EXPECT_EQ(a.capacity(), 0u);
}
