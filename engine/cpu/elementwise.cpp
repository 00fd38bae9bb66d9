// SwiGLU and argmax.
#include "engine/cpu/elementwise.hpp"

#include <cmath>

namespace looplab::cpu {

void swiglu(const float* gate_up, float* out, std::int64_t rows, std::int64_t ffn) {
#pragma omp parallel for schedule(static) if (rows * ffn >= 65536)
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* g = gate_up + r * 2 * ffn;
    const float* u = g + ffn;
    float* o = out + r * ffn;
    for (std::int64_t i = 0; i < ffn; ++i) o[i] = g[i] / (1.0f + std::exp(-g[i])) * u[i];
  }
}

std::int32_t argmax(const float* x, std::int64_t n) {
  std::int64_t best = 0;
  for (std::int64_t i = 1; i < n; ++i)
    if (x[i] > x[best] || (std::isnan(x[best]) && !std::isnan(x[i]))) best = i;
  return static_cast<std::int32_t>(best);
}

}  // namespace looplab::cpu
