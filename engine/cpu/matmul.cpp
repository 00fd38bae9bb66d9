// matmul_nt: blocks of four weight rows per inner pass, so each x row is read once per four
// outputs; the dot products are OpenMP SIMD reductions (vectorised without -ffast-math).
#include "engine/cpu/matmul.hpp"

#include <algorithm>

namespace looplab::cpu {
namespace {

constexpr std::int64_t kBlock = 4;

inline void store(float* y, float v, Accumulate acc) { *y = acc == Accumulate::yes ? *y + v : v; }

}  // namespace

void matmul_nt(const MatmulArgs& a) {
  const std::int64_t ldx = a.ldx ? a.ldx : a.k, ldw = a.ldw ? a.ldw : a.k, ldy = a.ldy ? a.ldy : a.n;
  const std::int64_t k = a.k, m = a.m;
  const std::int64_t blocks = (a.n + kBlock - 1) / kBlock;
  // Threads pay off from a few hundred KB of weights or about a million multiply-adds; below
  // that (the tiny test models) their start-up and barrier cost more than the work.
  const bool threaded = a.n * k >= (1 << 16) || m * a.n * k >= (1 << 20);
#pragma omp parallel for schedule(static) if (threaded)
  for (std::int64_t blk = 0; blk < blocks; ++blk) {
    const std::int64_t n0 = blk * kBlock;
    if (n0 + kBlock <= a.n) {
      const float* w0 = a.w + (n0 + 0) * ldw;
      const float* w1 = a.w + (n0 + 1) * ldw;
      const float* w2 = a.w + (n0 + 2) * ldw;
      const float* w3 = a.w + (n0 + 3) * ldw;
      for (std::int64_t r = 0; r < m; ++r) {
        const float* xr = a.x + r * ldx;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
#pragma omp simd reduction(+ : s0, s1, s2, s3)
        for (std::int64_t i = 0; i < k; ++i) {
          const float xv = xr[i];
          s0 += xv * w0[i];
          s1 += xv * w1[i];
          s2 += xv * w2[i];
          s3 += xv * w3[i];
        }
        float* yr = a.y + r * ldy + n0;
        store(yr + 0, s0, a.accumulate);
        store(yr + 1, s1, a.accumulate);
        store(yr + 2, s2, a.accumulate);
        store(yr + 3, s3, a.accumulate);
      }
    } else {
      for (std::int64_t n = n0; n < a.n; ++n) {
        const float* wr = a.w + n * ldw;
        for (std::int64_t r = 0; r < m; ++r) {
          const float* xr = a.x + r * ldx;
          float s = 0;
#pragma omp simd reduction(+ : s)
          for (std::int64_t i = 0; i < k; ++i) s += xr[i] * wr[i];
          store(a.y + r * ldy + n, s, a.accumulate);
        }
      }
    }
  }
}

}  // namespace looplab::cpu
