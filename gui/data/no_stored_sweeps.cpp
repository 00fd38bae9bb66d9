// Stored sweeps in a build without looplab::store: every call reports that.
#include "engine/core/error.hpp"
#include "gui/data/stored_sweeps.hpp"

namespace looplab::gui {

std::vector<StoredSweep> listStoredSweeps(const std::string& /*dbPath*/) {
  throw InputError("db", "looplab-gui was built without looplab::store");
}
SweepTable loadStoredSweep(const std::string& /*dbPath*/, std::int64_t /*sweepId*/) {
  throw InputError("db", "looplab-gui was built without looplab::store");
}

}  // namespace looplab::gui
