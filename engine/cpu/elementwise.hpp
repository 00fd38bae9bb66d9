// Small row-wise ops of the step plan: SwiGLU, the sigmoid of the PLT gate, greedy argmax.
#pragma once
#include <cmath>
#include <cstdint>

namespace looplab::cpu {

// out(rows, ffn) = silu(gate_up[:, :ffn]) * gate_up[:, ffn:]; gate_up is (rows, 2*ffn).
void swiglu(const float* gate_up, float* out, std::int64_t rows, std::int64_t ffn);

inline float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

// Index of the largest of n values; the lowest index wins ties (and NaN never wins).
std::int32_t argmax(const float* x, std::int64_t n);

}  // namespace looplab::cpu
