// Parsing JSON text from users (model configs, hardware and sweep specs, calibrations, records,
// safetensors headers) safely: a scan before the parse refuses nesting deeper than 64 levels (the
// recursive parser would otherwise overflow the stack on 100,000 nested arrays) and numbers
// beyond a double (1e400), naming the key where each was found; syntax errors name the byte.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace looplab {

inline constexpr int kMaxJsonDepth = 64;

// Throws InputError(field, "WHERE: ...") on a problem; `field` gets the key path appended when
// the problem sits under a key ("model.layers: nested deeper than 64 levels").
nlohmann::json parse_json_text(std::string_view text, const std::string& field, const std::string& where);

}  // namespace looplab
