// Keyword arguments -> CostOptions, with the CLI's messages (cli/cmd_predict.cpp) and the
// keyword's own name as the field.
#include "options.hpp"

#include <memory>

#include "engine/core/error.hpp"
#include "simulator/engine_profile.hpp"

namespace looplab::py {

CostOptions cost_options(const CostArgs& a) { return parse_cost_options(a.launch, a.ceiling, a.cost_model, a.engine); }

std::optional<Calibration> load_calibration_arg(const CostArgs& a) {
  if (!a.calibration) return std::nullopt;
  return load_calibration(*a.calibration);
}

}  // namespace looplab::py
