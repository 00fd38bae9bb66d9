// RoPE table (angles in double, stored as float) and the in-place rotation.
#include "engine/cpu/rope.hpp"

#include <cmath>

namespace looplab::cpu {

RopeTable::RopeTable(std::int64_t max_positions, std::int64_t head_dim, double theta)
    : max_positions_(max_positions), half_(head_dim / 2) {
  cos_.resize(static_cast<std::size_t>(max_positions * half_));
  sin_.resize(cos_.size());
  for (std::int64_t p = 0; p < max_positions; ++p)
    for (std::int64_t i = 0; i < half_; ++i) {
      const double freq = std::pow(theta, -2.0 * static_cast<double>(i) / static_cast<double>(head_dim));
      const double angle = static_cast<double>(p) * freq;
      cos_[static_cast<std::size_t>(p * half_ + i)] = static_cast<float>(std::cos(angle));
      sin_[static_cast<std::size_t>(p * half_ + i)] = static_cast<float>(std::sin(angle));
    }
}

void apply_rope(float* v, std::int64_t heads, std::int64_t head_dim, const float* cos, const float* sin) {
  const std::int64_t half = head_dim / 2;
  for (std::int64_t h = 0; h < heads; ++h) {
    float* x = v + h * head_dim;
    for (std::int64_t i = 0; i < half; ++i) {
      const float a = x[i], b = x[i + half];
      x[i] = a * cos[i] - b * sin[i];
      x[i + half] = b * cos[i] + a * sin[i];
    }
  }
}

}  // namespace looplab::cpu
