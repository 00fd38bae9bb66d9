// Retention for a results store that CI feeds on every commit: which runs to delete so the store
// does not grow without bound. A run is kept when any rule keeps it (the newest N, per workload or
// overall; those younger than D days); a run still running is always kept (another process may be
// writing it).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace looplab::lab {

struct PruneRules {
  std::optional<std::int64_t> keep_last;   // the newest N runs (per workload when per_workload)
  bool per_workload = false;               // N per workload (model config, shapes, backend)
  std::optional<double> keep_within_days;  // runs created less than D days before `now`
  std::string label;                       // only runs of this label are candidates ("" = all)
};

// The runs to delete, oldest first. `now` is a UTC time in the store's format
// ("2026-12-03T12:00:00Z", e.g. utc_now_iso8601()). Throws InputError("keep-last") when no rule is given or a value is
// out of range.
std::vector<store::RunId> runs_to_prune(const std::vector<store::RunSummary>& runs, const PruneRules& rules,
                                        const std::string& now);

// Seconds since the epoch of a store time ("2026-12-03T11:47:20.123Z", UTC); nullopt when it
// does not parse. The store writes its times with utc_now_iso8601() (engine/core/build_stamp.hpp).
std::optional<double> iso8601_seconds(const std::string& t);

}  // namespace looplab::lab
