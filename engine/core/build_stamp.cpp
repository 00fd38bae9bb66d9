// build_stamp() from the header cmake/git_commit.cmake generates at every build.
#include "engine/core/build_stamp.hpp"

#include <ctime>

#include "looplab_git_commit.hpp"

namespace looplab {

std::string build_stamp() { return LOOPLAB_GIT_COMMIT; }

std::string utc_now_iso8601() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace looplab
