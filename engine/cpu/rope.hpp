// Rotary position embedding (the "rotate half" form of Llama/HF): dimension i < dh/2 pairs with
// i + dh/2, rotated by the angle position * theta^(-2i/dh).
#pragma once
#include <cstdint>
#include <vector>

namespace looplab::cpu {

class RopeTable {
 public:
  RopeTable() = default;
  RopeTable(std::int64_t max_positions, std::int64_t head_dim, double theta);
  const float* cos(std::int64_t pos) const { return cos_.data() + pos * half_; }  // (dh/2)
  const float* sin(std::int64_t pos) const { return sin_.data() + pos * half_; }
  std::int64_t max_positions() const { return max_positions_; }

 private:
  std::int64_t max_positions_ = 0, half_ = 0;
  std::vector<float> cos_, sin_;  // (max_positions, dh/2)
};

// Rotates `heads` consecutive head vectors of dh floats in place at one position.
void apply_rope(float* v, std::int64_t heads, std::int64_t head_dim, const float* cos, const float* sin);

}  // namespace looplab::cpu
