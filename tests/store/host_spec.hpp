// A fixed `host` hardware spec written to a file, so tests predict without measuring the machine.
#pragma once
#include <filesystem>
#include <fstream>

#include "simulator/hardware.hpp"

namespace looplab::testing {

// A `host` spec with fixed numbers (bandwidth `mem_bw`); the tests vary what they need.
inline HardwareSpec test_host_spec(double mem_bw = 10e9) {
  auto num = [](double v) {
    SpecNumber n;
    n.measured = SourcedValue{v, "test value"};
    return n;
  };
  HardwareSpec h;
  h.name = "host";
  h.kind = HardwareKind::host;
  h.description = "test host";
  h.memory_bytes = num(16e9);
  h.mem_bw_bytes_per_s = num(mem_bw);
  h.peak_flops_f32 = num(50e9);
  h.sm_count = num(2);
  h.l2_bytes = num(32e6);
  h.launch_stream_s = num(5e-7);
  h.launch_graph_s = num(5e-7);
  return h;
}

inline std::filesystem::path write_host_spec(const std::filesystem::path& dir) {
  auto path = dir / "host.json";
  std::ofstream(path) << hardware_to_json(test_host_spec()).dump(2);
  return path;
}

}  // namespace looplab::testing
