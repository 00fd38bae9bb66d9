// Build facts recorded in the provenance of what the simulator writes.
#pragma once
#include <string>

namespace looplab {

// Short git commit of the source tree at configure time ("unknown" outside git).
std::string build_commit();
// Now, UTC, ISO 8601 ("2025-11-02T14:03:11Z").
std::string utc_now_iso8601();

}  // namespace looplab
