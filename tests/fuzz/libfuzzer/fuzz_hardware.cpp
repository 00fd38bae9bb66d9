// A hardware spec file (data/hardware/*.json, `--hardware FILE`): hardware_from_json, then every
// ceiling a prediction reads and the spec written back out.
#include "engine/core/error.hpp"
#include "engine/core/json_text.hpp"
#include "fuzz_common.hpp"
#include "simulator/hardware.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace looplab;
  try {
    const HardwareSpec h =
        hardware_from_json(parse_json_text(fuzz::as_text(data, size), "", fuzz::kWhere), "fuzz", fuzz::kWhere);
    // The parser promises each of these a value (bf16 peak: gpus only).
    for (Ceiling ceiling : {Ceiling::achievable, Ceiling::measured, Ceiling::datasheet}) {
      (void)h.memory_bytes.value(ceiling);
      (void)h.mem_bw_bytes_per_s.value(ceiling);
      (void)h.sm_count.value(ceiling);
      (void)h.l2_bytes.value(ceiling);
      (void)h.peak_flops(DType::f32).value(ceiling);
      (void)h.peak_flops(DType::bf16).value(ceiling);
      (void)h.launch_overhead(LaunchMode::graph).value(ceiling);
      (void)h.launch_overhead(LaunchMode::stream).value(ceiling);
    }
    (void)hardware_to_json(h).dump();
  } catch (const InputError&) {
  }
  return 0;
}
