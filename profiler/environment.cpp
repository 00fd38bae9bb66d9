// Host facts for a run's record.
#include "profiler/environment.hpp"

#include <unistd.h>

#include <fstream>
#include <thread>

#include "engine/core/build_stamp.hpp"

namespace looplab::profiler {

std::string engine_commit() { return build_stamp(); }

RunEnvironment collect_environment() {
  RunEnvironment e;
  char name[256] = {};
  e.host = gethostname(name, sizeof name - 1) == 0 ? name : "unknown";
  e.cpu_model = "unknown";
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      if (colon != std::string::npos) e.cpu_model = line.substr(line.find_first_not_of(' ', colon + 1));
      break;
    }
  }
  e.engine_commit = engine_commit();
  e.pid = static_cast<std::int64_t>(getpid());
  e.hardware_threads = static_cast<std::int64_t>(std::thread::hardware_concurrency());
  return e;
}

}  // namespace looplab::profiler
