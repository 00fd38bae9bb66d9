// What every libFuzzer target shares: the input as text, and the one outcome a bad input may
// have (InputError). Any other exception escapes LLVMFuzzerTestOneInput and aborts: a finding.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace looplab::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// "fuzz.json" in messages: the parsers quote it back, and it never names a real file.
inline constexpr const char* kWhere = "fuzz.json";

}  // namespace looplab::fuzz
