// Strict JSON field access for the simulator's inputs (hardware specs, sweep specs, calibration
// and record files): every wrong type, missing or unknown key throws InputError naming the key.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace looplab::jsonf {

using nlohmann::json;

// `field` is the dotted key path used in messages ("peak_flops.bf16.datasheet.value").
const json& require(const json& obj, const std::string& key, const std::string& field, const std::string& where);
double number(const json& v, const std::string& field, const std::string& where);
std::int64_t integer(const json& v, const std::string& field, const std::string& where);
std::string string(const json& v, const std::string& field, const std::string& where);
const json& object(const json& v, const std::string& field, const std::string& where);
const json& array(const json& v, const std::string& field, const std::string& where);

// Rejects keys outside `allowed`, suggesting the closest allowed key for a likely typo.
void only_keys(const json& obj, std::initializer_list<std::string_view> allowed, const std::string& prefix,
               const std::string& where);
// The allowed key nearest to `key` by edit distance, or "" when none is close.
std::string nearest_key(std::string_view key, std::initializer_list<std::string_view> allowed);

// Parses a file's text; a syntax error throws InputError(where, ...).
json parse_file(const std::string& path, const std::string& field);

}  // namespace looplab::jsonf
