// RMSNorm over rows: y = x / sqrt(mean(x^2) + eps) * weight (attn_norm, mlp_norm, final_norm,
// and the per-head q/k norm of qk_norm models).
#pragma once
#include <cstdint>

namespace looplab::cpu {

struct RmsNormArgs {
  const float* x = nullptr;       // (rows, width), row stride ldx
  const float* weight = nullptr;  // (width)
  float* y = nullptr;             // (rows, width), row stride ldy; may equal x (in place)
  std::int64_t rows = 0, width = 0;
  std::int64_t ldx = 0, ldy = 0;  // 0 means packed (width)
  double eps = 1e-5;
};

// Parallel over rows when there are enough of them to pay for the threads.
void rmsnorm(const RmsNormArgs& a);
// One row, no threading (used inside already-parallel loops, e.g. per head).
void rmsnorm_row(const float* x, const float* weight, float* y, std::int64_t width, double eps);

}  // namespace looplab::cpu
