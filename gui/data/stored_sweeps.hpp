// Sweeps kept in a results store (`looplab sweep --db`) for the sweep explorer: the list, and one
// sweep as the explorer's table with the CSV's column names. The store keeps fewer columns than
// the CSV (no prefill, generation or bytes by category); decode_tokens_per_s is batch / step.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "gui/models/snapshots.hpp"

namespace looplab::gui {

struct StoredSweep {
  std::int64_t id = 0;
  std::string name, createdAt;
  std::int64_t points = 0;
};

// Oldest first. Throws InputError("db") for a file that is not a readable looplab store.
std::vector<StoredSweep> listStoredSweeps(const std::string& dbPath);
// Throws InputError("sweep") for an id the store does not hold.
SweepTable loadStoredSweep(const std::string& dbPath, std::int64_t sweepId);

}  // namespace looplab::gui
