// How a prediction is made, from the keyword arguments predict(), predict_decode() and the CLI's
// `predict` options share: launch, engine, ceiling, cost model and calibration file.
#pragma once
#include <optional>
#include <string>

#include "simulator/calibration.hpp"
#include "simulator/op_cost.hpp"

namespace looplab::py {

struct CostArgs {
  std::string launch = "graph";
  std::optional<std::string> engine;  // a profile name (data/engines) or a JSON file
  std::string ceiling = "achievable";
  std::string cost_model = "kernels";
  std::optional<std::string> calibration;  // a file written by `looplab calibrate`
};

// Throws InputError naming the keyword ("launch", "ceiling", "cost_model", "engine").
CostOptions cost_options(const CostArgs& a);
std::optional<Calibration> load_calibration_arg(const CostArgs& a);

}  // namespace looplab::py
