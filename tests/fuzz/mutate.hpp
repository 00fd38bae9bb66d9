// Deterministic, seeded mutations of inputs: of JSON documents by structure (a key removed or
// added, a value of another type, numbers at and beyond the limits, deep nesting, long strings),
// and of any bytes (bit flips, truncation, spans deleted or inserted). The same seed gives the
// same case on every machine, so a failure can be replayed with --seed.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace looplab::fuzz {

// splitmix64: small, fast, and the same sequence everywhere.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
  bool chance(int percent) { return below(100) < static_cast<std::size_t>(percent); }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[below(v.size())];
  }

 private:
  std::uint64_t state_;
};

// One structural mutation of a JSON document, serialized; `what` says which (for the report).
std::string mutate_json(const nlohmann::json& doc, Rng& rng, std::string& what);
// One byte-level mutation of any bytes.
std::string mutate_bytes(const std::string& bytes, Rng& rng, std::string& what);
// Either of the two, JSON more often.
std::string mutate_text(const nlohmann::json& doc, Rng& rng, std::string& what);

// Values a field can be given on a command line: edge numbers, wrong types, empty, long.
std::string edge_value(Rng& rng);

}  // namespace looplab::fuzz
