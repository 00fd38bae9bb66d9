// A model config file (data/models/*.json, `--model FILE`): parse_config_text, then validate,
// the size arithmetic it guards, and the JSON round trip of every config it accepts.
#include <cstdlib>

#include "engine/core/config.hpp"
#include "engine/core/error.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace looplab;
  try {
    const ModelConfig c = parse_config_text(std::string(fuzz::as_text(data, size)), fuzz::kWhere);
    validate(c);
    (void)c.parameter_count();  // validate() promises this product fits 64 bits
    // An accepted config must survive a save and a reload unchanged.
    if (!(config_from_json(config_to_json(c), "round trip") == c)) std::abort();
  } catch (const InputError&) {
  }
  return 0;
}
