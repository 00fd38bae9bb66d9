// What a sweep is for: constraints a point must meet (a latency budget, a memory budget, fitting
// the device) and an objective to optimise among the points that meet them. Written in the spec:
//   "constraints": {"max_decode_step_s": 0.02, "fits_memory": true, "max_kv_bytes": 2e9},
//   "objective": {"maximize": "decode_tokens_per_s"}
// A point that breaks a constraint is kept in the output (feasible = false) and left off the
// Pareto fronts; the objective marks the best feasible point of the whole sweep.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace looplab {

struct SweepConstraints {
  std::optional<double> max_decode_step_s, min_decode_tokens_per_s;
  std::optional<double> max_generate_s, min_generate_tokens_per_s;
  std::optional<double> max_prefill_s;
  std::optional<double> max_kv_bytes, max_memory_bytes;
  bool fits_memory = true;  // the default: a point that does not fit is not a design
  bool any() const {
    return max_decode_step_s || min_decode_tokens_per_s || max_generate_s || min_generate_tokens_per_s ||
           max_prefill_s || max_kv_bytes || max_memory_bytes || fits_memory;
  }
};

struct SweepObjective {
  std::string metric;  // one of objective_metrics(); empty: no objective
  bool maximize = false;
};

// The columns an objective may name: decode_step_s, decode_tokens_per_s, generate_s,
// generate_tokens_per_s, prefill_s, kv_bytes, memory_total_bytes, decode_flops_per_token.
const std::vector<std::string>& objective_metrics();

// Parse the spec's "constraints" / "objective" objects; throw InputError naming the key
// ("constraints.max_decode_step_s") for an unknown key, a wrong type or a value out of range.
SweepConstraints constraints_from_json(const nlohmann::json& j, const std::string& where);
SweepObjective objective_from_json(const nlohmann::json& j, const std::string& where);
nlohmann::json constraints_to_json(const SweepConstraints& c);
nlohmann::json objective_to_json(const SweepObjective& o);

}  // namespace looplab
