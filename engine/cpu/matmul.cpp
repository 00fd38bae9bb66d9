// matmul_nt: blocks of four weight rows per inner pass, so each x row is read once per four
// outputs; the dot products are OpenMP SIMD reductions (vectorised without -ffast-math).
#include "engine/cpu/matmul.hpp"

#include <algorithm>

namespace looplab::cpu {
namespace {

constexpr std::int64_t kBlock = 4;

inline void store(float* y, float v, Accumulate acc) { *y = acc == Accumulate::yes ? *y + v : v; }

// Two x rows against four weight rows: each weight element loaded once feeds two FMAs, which
// keeps the cross-loop passes (B*L rows) from paying for their extra rows in L1 loads.
inline void dot_2x4(const float* x0, const float* x1, const float* const w[4], std::int64_t k, float* y0, float* y1,
                    Accumulate acc) {
  float a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
  const float *w0 = w[0], *w1 = w[1], *w2 = w[2], *w3 = w[3];
#pragma omp simd reduction(+ : a0, a1, a2, a3, b0, b1, b2, b3)
  for (std::int64_t i = 0; i < k; ++i) {
    const float u = x0[i], v = x1[i];
    const float c0 = w0[i], c1 = w1[i], c2 = w2[i], c3 = w3[i];
    a0 += u * c0;
    a1 += u * c1;
    a2 += u * c2;
    a3 += u * c3;
    b0 += v * c0;
    b1 += v * c1;
    b2 += v * c2;
    b3 += v * c3;
  }
  store(y0 + 0, a0, acc);
  store(y0 + 1, a1, acc);
  store(y0 + 2, a2, acc);
  store(y0 + 3, a3, acc);
  store(y1 + 0, b0, acc);
  store(y1 + 1, b1, acc);
  store(y1 + 2, b2, acc);
  store(y1 + 3, b3, acc);
}

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
      const float* const w[4] = {w0, w1, w2, w3};
      std::int64_t r = 0;
      for (; r + 2 <= m; r += 2)
        dot_2x4(a.x + r * ldx, a.x + (r + 1) * ldx, w, k, a.y + r * ldy + n0, a.y + (r + 1) * ldy + n0, a.accumulate);
      for (; r < m; ++r) {
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
