// RMSNorm: the sum of squares accumulates in double so the reference is not the noisy part.
#include "engine/cpu/rmsnorm.hpp"

#include <cmath>

namespace looplab::cpu {

void rmsnorm_row(const float* x, const float* weight, float* y, std::int64_t width, double eps) {
  double ss = 0;
#pragma omp simd reduction(+ : ss)
  for (std::int64_t i = 0; i < width; ++i) ss += static_cast<double>(x[i]) * x[i];
  const auto inv = static_cast<float>(1.0 / std::sqrt(ss / static_cast<double>(width) + eps));
  for (std::int64_t i = 0; i < width; ++i) y[i] = x[i] * inv * weight[i];
}

void rmsnorm(const RmsNormArgs& a) {
  const std::int64_t ldx = a.ldx ? a.ldx : a.width, ldy = a.ldy ? a.ldy : a.width;
#pragma omp parallel for schedule(static) if (a.rows * a.width >= 16384)
  for (std::int64_t r = 0; r < a.rows; ++r) rmsnorm_row(a.x + r * ldx, a.weight, a.y + r * ldy, a.width, a.eps);
}

}  // namespace looplab::cpu
