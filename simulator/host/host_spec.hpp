// Measuring this machine as the simulator's `host` hardware spec (copy bandwidth, the CPU
// backend's matmul FLOP/s, its fixed per-op cost): `looplab calibrate-host` and the measured
// calibration test share it.
#pragma once
#include <cstdint>

#include "simulator/hardware.hpp"

namespace looplab {

struct HostSpecOptions {
  std::int64_t copy_mib = 256;  // size of the copied buffer
  int repetitions = 15;         // timed repetitions per measurement (median)
};

// Every number carries its source (what was measured, when, by which build).
HardwareSpec measure_host_spec(const HostSpecOptions& options = {});

}  // namespace looplab
