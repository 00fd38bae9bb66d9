// A calibration record file (`looplab calibrate --records FILE`): records_from_json, then the
// samples a fit takes from it, costed on a fixed hardware spec as `calibrate` does.
#include <optional>

#include "engine/core/error.hpp"
#include "engine/core/json_text.hpp"
#include "fuzz_common.hpp"
#include "simulator/hardware.hpp"
#include "simulator/records.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace looplab;
  static const HardwareSpec h200 = load_hardware("h200");  // loaded once: not the input under test
  try {
    const RecordSet r = records_from_json(parse_json_text(fuzz::as_text(data, size), "", fuzz::kWhere), fuzz::kWhere);
    (void)records_to_json(r).dump();
    (void)samples_from_records(r, h200, Ceiling::measured);
  } catch (const InputError&) {
  }
  return 0;
}
