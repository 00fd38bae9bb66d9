// Sweep specs: a grid over models, variants, loops, windows, batches, contexts and hardware,
// read from JSON. A typo or an empty axis is an InputError naming the key.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/variant.hpp"
#include "simulator/op_cost.hpp"
#include "simulator/sweep_select.hpp"

namespace looplab {

// A model-shape axis: overrides of one ModelConfig field ("layers", "hidden", ...).
struct ShapeAxis {
  std::string field;
  std::vector<std::int64_t> values;
};

struct SweepSpec {
  std::string name;
  std::vector<std::string> models;  // presets or JSON files
  std::vector<Variant> variants;
  std::vector<std::int64_t> loops;    // empty: each model preset's own
  std::vector<std::int64_t> windows;  // empty: each model preset's own
  std::vector<std::int64_t> batches;
  std::vector<std::int64_t> contexts;  // decode context; the prompt too unless `prompt` is set
  std::vector<std::string> hardware;   // spec names or JSON files
  std::vector<DType> dtypes;           // empty: each model's own
  std::vector<ShapeAxis> shapes;       // model-shape axes, by field name (empty: the preset's shape)
  SweepConstraints constraints;
  SweepObjective objective;
  std::int64_t prompt = 0;      // fixed prefill length; 0: the point's context
  std::int64_t generate = 128;  // tokens per generation (0: skip)
  CostOptions cost;
  std::optional<std::string> calibration;  // file; applied to points on the hardware it was fitted on
};

SweepSpec sweep_spec_from_json(const nlohmann::json& j, const std::string& where);
// `file` "-" reads the spec from standard input (a relative calibration path is then relative
// to the working directory).
SweepSpec load_sweep_spec(const std::string& file);
// The ModelConfig fields a shape axis may set.
const std::vector<std::string>& shape_axis_fields();
nlohmann::json sweep_spec_to_json(const SweepSpec& s);

}  // namespace looplab
