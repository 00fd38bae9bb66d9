// Merging one results store into another: a CI job downloads the main branch's store (its
// baseline artifact) and merges it into the pull request's, so one file holds both sides and
// their history. Runs are copied with every row and their own timestamps; a run already in the
// target (same creation time, host, process and label) is skipped, so merging twice adds nothing.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace looplab::lab {

struct MergeOptions {
  std::vector<std::string> labels;  // only runs of these labels ("" / empty: every label)
  bool dry_run = false;             // count what would be copied, copy nothing
};

struct MergeResult {
  std::vector<store::RunId> copied;   // ids in the source, oldest first
  std::vector<store::RunId> new_ids;  // their ids in the target (empty on a dry run)
  std::int64_t already_present = 0;   // skipped: the target has them
  std::int64_t not_complete = 0;      // skipped: running, interrupted or failed in the source
};

// Copies the complete runs of `from` into `into`, oldest first, each in its own transaction
// (an interrupted merge leaves whole runs only). Hardware specs are carried with their machine
// and quality notes. Calibrations and sweeps are not merged. `into` may be null on a dry run: a
// target that does not exist yet, and so holds nothing.
MergeResult merge_runs(store::Store& from, store::Store* into, const MergeOptions& options);

}  // namespace looplab::lab
