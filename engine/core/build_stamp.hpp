// The one build stamp every record of looplab carries (runs, sweeps, host specs, calibrations):
// the git commit the binary was built from, "-dirty" when the sources had uncommitted changes.
#pragma once
#include <string>

namespace looplab {

// Short commit, "-dirty" suffixed when the tree differed from it; "unknown" outside git.
// Refreshed at every build (only build_stamp.cpp recompiles when it changes).
std::string build_stamp();
// Now, UTC, ISO 8601 ("2025-11-02T14:03:11Z").
std::string utc_now_iso8601();

}  // namespace looplab
