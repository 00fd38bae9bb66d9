// Build commit (from CMake at configure time) and the UTC timestamp for provenance.
#include "simulator/build_info.hpp"

#include <ctime>

#ifndef LOOPLAB_GIT_COMMIT
#define LOOPLAB_GIT_COMMIT "unknown"
#endif

namespace looplab {

std::string build_commit() { return LOOPLAB_GIT_COMMIT; }

std::string utc_now_iso8601() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace looplab
