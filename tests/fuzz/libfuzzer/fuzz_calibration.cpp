// A calibration file (`looplab calibrate --out`, `predict --calibration FILE`):
// calibration_from_json, then the calibration written back out.
#include "engine/core/error.hpp"
#include "engine/core/json_text.hpp"
#include "fuzz_common.hpp"
#include "simulator/calibration.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace looplab;
  try {
    const Calibration c =
        calibration_from_json(parse_json_text(fuzz::as_text(data, size), "", fuzz::kWhere), fuzz::kWhere);
    (void)calibration_to_json(c).dump();
  } catch (const InputError&) {
  }
  return 0;
}
