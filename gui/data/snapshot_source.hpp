// Where the GUI's snapshots come from: the results store behind a small interface, so the
// loader, the tests and a future server-backed store need nothing but these two calls.
// Implementations are used from one worker thread at a time, never from the GUI thread.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gui/models/snapshots.hpp"

namespace looplab::gui {

class SnapshotSource {
 public:
  virtual ~SnapshotSource() = default;
  // Every run, newest first. Throws StoreProblemError.
  virtual std::vector<RunSummary> listRuns() = 0;
  // One run's ops, steps, spans and hardware. Throws StoreProblemError (or InputError for an
  // unknown id).
  virtual RunDetail runDetail(std::int64_t runId) = 0;
};

// Opens the store at a path; throws StoreProblemError when it cannot.
using SourceFactory = std::function<std::unique_ptr<SnapshotSource>(const std::string& path)>;

// The factory of this build: the SQLite results store when looplab::store is built in, else one
// that reports ProblemKind::unsupported.
SourceFactory defaultSourceFactory();

// How long a read waits for another process's lock before the GUI reports the store locked.
inline constexpr int kDefaultBusyTimeoutMs = 3000;
// The SQLite store with a chosen lock wait (tests use a short one). Only in builds with the store.
SourceFactory storeSourceFactory(int busyTimeoutMs);

}  // namespace looplab::gui
