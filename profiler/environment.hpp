// What makes a measurement self-describing: host, CPU model, engine commit, process id. GPU
// fields (device name, driver and CUDA versions) come from the CUDA backend when it runs.
#pragma once
#include <cstdint>
#include <string>

namespace looplab::profiler {

struct RunEnvironment {
  std::string host;           // host name
  std::string cpu_model;      // "AMD EPYC 7B13" from /proc/cpuinfo, or "unknown"
  std::string engine_commit;  // git commit of the sources, "-dirty" when they had changes
  std::int64_t pid = 0;
  std::int64_t hardware_threads = 0;
};
RunEnvironment collect_environment();

// The commit the binary was built from (refreshed at every build).
std::string engine_commit();

}  // namespace looplab::profiler
