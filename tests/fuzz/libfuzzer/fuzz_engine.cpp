// An engine profile file (data/engines/*.json, `--engine FILE`): engine_profile_from_json, then the
// profile written back out and read again.
#include "engine/core/error.hpp"
#include "engine/core/json_text.hpp"
#include "fuzz_common.hpp"
#include "simulator/engine_profile.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace looplab;
  try {
    const EngineProfile e =
        engine_profile_from_json(parse_json_text(fuzz::as_text(data, size), "", fuzz::kWhere), "fuzz", fuzz::kWhere);
    // What the parser accepted, it reads back the same.
    const nlohmann::json out = engine_profile_to_json(e);
    if (engine_profile_to_json(engine_profile_from_json(out, "fuzz", fuzz::kWhere)).dump() != out.dump())
      __builtin_trap();
  } catch (const InputError&) {
  }
  return 0;
}
