// Measuring this machine as the simulator's `host` hardware spec (copy bandwidth, the CPU
// backend's matmul FLOP/s, its fixed per-op cost), in-process, with a quality verdict: the
// spread of the timed repetitions and what else ran on the machine meanwhile. `looplab hardware
// measure`, `calibrate-host`, the run's hardware resolution and the measured calibration test
// share it.
#pragma once
#include <cstdint>
#include <string>

#include "lab/stats.hpp"
#include "simulator/hardware.hpp"
#include "store/records.hpp"

namespace looplab {

struct HostSpecOptions {
  std::int64_t copy_mib = 256;  // size of the copied buffer
  int repetitions = 15;         // timed repetitions per measurement (median)
};

struct HostMeasurement {
  HardwareSpec spec;            // every number carries its source (what, when, which build)
  stats::Summary copy_s;        // the copy's timed repetitions
  stats::Summary matmul_s;      // the repetitions of the matmul shape that set the FLOP/s ceiling
  store::MachineState machine;  // the machine while measuring
  std::string machine_id;       // host, CPU model and thread count: which machine the spec describes
  std::string quality;          // quiet | noisy | unusable (lab/stats.hpp), at least noisy when busy
  std::string quality_note;     // why not quiet; "" when quiet
};
HostMeasurement measure_host(const HostSpecOptions& options = {});
// The spec alone.
HardwareSpec measure_host_spec(const HostSpecOptions& options = {});

// "host-name / CPU model / N threads": what a measured host spec is valid for.
std::string host_machine_id(int threads);

}  // namespace looplab
