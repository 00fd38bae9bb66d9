// Strict JSON field access with messages that name the key.
#include "simulator/json_fields.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <vector>

#include "engine/core/error.hpp"
#include "engine/core/json_text.hpp"

namespace looplab::jsonf {

const json& require(const json& obj, const std::string& key, const std::string& field, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end()) throw InputError(field, "missing (in " + where + ")");
  return *it;
}

double number(const json& v, const std::string& field, const std::string& where) {
  if (!v.is_number()) throw InputError(field, "expected a number, got " + v.dump() + " (in " + where + ")");
  const double d = v.get<double>();
  if (!std::isfinite(d)) throw InputError(field, "must be finite (in " + where + ")");
  return d;
}

std::int64_t integer(const json& v, const std::string& field, const std::string& where) {
  if (v.is_number_unsigned()) {
    if (v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
      throw InputError(field, "value too large (in " + where + ")");
    return static_cast<std::int64_t>(v.get<std::uint64_t>());
  }
  if (v.is_number_integer()) return v.get<std::int64_t>();
  throw InputError(field, "expected an integer, got " + v.dump() + " (in " + where + ")");
}

std::string string(const json& v, const std::string& field, const std::string& where) {
  if (!v.is_string()) throw InputError(field, "expected a string, got " + v.dump() + " (in " + where + ")");
  return v.get<std::string>();
}

const json& object(const json& v, const std::string& field, const std::string& where) {
  if (!v.is_object()) throw InputError(field, "expected a JSON object (in " + where + ")");
  return v;
}

const json& array(const json& v, const std::string& field, const std::string& where) {
  if (!v.is_array()) throw InputError(field, "expected a JSON array, got " + v.dump() + " (in " + where + ")");
  return v;
}

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::string nearest_key(std::string_view key, std::initializer_list<std::string_view> allowed) {
  std::string best;
  std::size_t best_d = 3;  // suggest only within two edits
  for (std::string_view a : allowed) {
    const std::size_t d = edit_distance(key, a);
    if (d < best_d) {
      best_d = d;
      best = std::string(a);
    }
  }
  return best;
}

void only_keys(const json& obj, std::initializer_list<std::string_view> allowed, const std::string& prefix,
               const std::string& where) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    const std::string& k = it.key();
    if (std::find(allowed.begin(), allowed.end(), std::string_view(k)) != allowed.end()) continue;
    std::string problem = "unknown key in " + where;
    const std::string near = nearest_key(k, allowed);
    if (!near.empty()) problem += " (did you mean '" + near + "'?)";
    throw InputError(prefix + k, problem);
  }
}

json parse_file(const std::string& path, const std::string& field) {
  std::ifstream in(path);
  if (!in) throw InputError(field, "'" + path + "' is not a readable file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_json_text(ss.str(), field, path);
}

}  // namespace looplab::jsonf
