// host_cpu_model(): the CPU a CPU backend runs on, named as /proc/cpuinfo names it.
#include "engine/core/backend.hpp"

#include <fstream>

namespace looplab {

std::string host_cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) != 0) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) break;
    const auto start = line.find_first_not_of(' ', colon + 1);
    return start == std::string::npos ? std::string("unknown") : line.substr(start);
  }
  return "unknown";
}

}  // namespace looplab
