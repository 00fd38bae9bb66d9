// Keyword arguments -> CostOptions, with the CLI's messages (cli/cmd_predict.cpp) and the
// keyword's own name as the field.
#include "options.hpp"

#include <memory>

#include "engine/core/error.hpp"
#include "simulator/engine_profile.hpp"

namespace looplab::py {

CostOptions cost_options(const CostArgs& a) {
  CostOptions o;
  auto l = parse_launch_mode(a.launch);
  if (!l) throw InputError("launch", "'" + a.launch + "' is not one of graph, stream");
  auto c = parse_ceiling(a.ceiling);
  if (!c) throw InputError("ceiling", "'" + a.ceiling + "' is not one of achievable, measured, datasheet");
  auto m = parse_cost_model(a.cost_model);
  if (!m) throw InputError("cost_model", "'" + a.cost_model + "' is not one of kernels, roofline");
  o.launch = *l;
  o.ceiling = *c;
  o.model = *m;
  if (a.engine) o.engine = std::make_shared<const EngineProfile>(load_engine_profile(*a.engine));
  return o;
}

std::optional<Calibration> load_calibration_arg(const CostArgs& a) {
  if (!a.calibration) return std::nullopt;
  return load_calibration(*a.calibration);
}

}  // namespace looplab::py
