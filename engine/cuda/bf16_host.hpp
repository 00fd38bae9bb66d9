// Host-side fp32 -> bf16 conversion for weight uploads and test inputs (round to nearest even,
// NaN kept quiet), and back. Bit-exact with __float2bfloat16_rn on the device.
#pragma once
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace looplab::gpu {

inline std::uint16_t f32_to_bf16_bits(float f) {
  std::uint32_t u = 0;
  std::memcpy(&u, &f, sizeof u);
  if ((u & 0x7f800000u) == 0x7f800000u && (u & 0x007fffffu) != 0)
    return static_cast<std::uint16_t>((u >> 16) | 0x0040u);  // NaN stays NaN
  const std::uint32_t rounding = 0x7fffu + ((u >> 16) & 1u);
  return static_cast<std::uint16_t>((u + rounding) >> 16);
}

inline float bf16_bits_to_f32(std::uint16_t b) {
  const std::uint32_t u = static_cast<std::uint32_t>(b) << 16;
  float f = 0.0f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

// The value a bf16 store of f reads back as.
inline float round_to_bf16(float f) { return bf16_bits_to_f32(f32_to_bf16_bits(f)); }

inline std::vector<std::uint16_t> to_bf16_bits(std::span<const float> xs) {
  std::vector<std::uint16_t> out(xs.size());
  for (std::size_t i = 0; i < xs.size(); ++i) out[i] = f32_to_bf16_bits(xs[i]);
  return out;
}

inline std::vector<float> from_bf16_bits(std::span<const std::uint16_t> xs) {
  std::vector<float> out(xs.size());
  for (std::size_t i = 0; i < xs.size(); ++i) out[i] = bf16_bits_to_f32(xs[i]);
  return out;
}

}  // namespace looplab::gpu
