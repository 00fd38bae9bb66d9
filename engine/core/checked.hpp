// 64-bit arithmetic that refuses to overflow: byte counts of huge configs are errors, not wraps.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

#include "engine/core/error.hpp"

namespace looplab {

inline std::optional<std::int64_t> checked_mul(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}
inline std::optional<std::int64_t> checked_add(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
  return r;
}

// Throws InputError(field, "... overflows 64 bits") unless the product of `factors` fits.
inline void check_product_fits(const char* field, std::initializer_list<std::int64_t> factors) {
  std::int64_t acc = 1;
  for (std::int64_t f : factors) {
    auto r = checked_mul(acc, f);
    if (!r) throw InputError(field, "too large: the sizes it multiplies into overflow 64 bits");
    acc = *r;
  }
}

}  // namespace looplab
