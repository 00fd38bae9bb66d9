// A sweep spec file (studies/sweeps/*.json, `looplab sweep SPEC`): sweep_spec_from_json, then
// resolve_sweep (presets from data/, hardware, calibration) and the point limit, as the CLI does.
#include <cstdint>

#include "engine/core/error.hpp"
#include "engine/core/json_text.hpp"
#include "fuzz_common.hpp"
#include "simulator/sweep.hpp"
#include "simulator/sweep_spec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace looplab;
  try {
    const SweepSpec spec =
        sweep_spec_from_json(parse_json_text(fuzz::as_text(data, size), "", fuzz::kWhere), fuzz::kWhere);
    (void)sweep_spec_to_json(spec).dump();
    const ResolvedSweep r = resolve_sweep(spec);
    check_point_limit(r.points, std::int64_t{1000});
  } catch (const InputError&) {
  }
  return 0;
}
