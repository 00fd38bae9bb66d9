// A stored run as a Perfetto/Chrome trace (.json.gz): measured steps and ops on the host
// thread's track (the run's noise verdict in the track name, each step's unattributed time on a
// track of its own), CUDA API calls, kernels per stream with launch -> kernel flow arrows, and the
// prediction of the same ops, each predicted step aligned with its measured step. Rows stream from the store
// one at a time, so memory does not grow with the run (see docs/profiler.md for the budget).
#pragma once
#include <cstdint>
#include <filesystem>
#include <vector>

#include "store/store.hpp"

namespace looplab::lab {

using store::RunId;
using store::Store;

struct TraceExportStats {
  std::int64_t events = 0;
  std::int64_t uncompressed_bytes = 0;
  std::int64_t flows = 0;
};

// Throws InputError("run", ...) for an unknown run, InputError("trace", ...) for a path that
// cannot be written, std::runtime_error when writing fails part way.
TraceExportStats export_run_trace(Store& store, RunId run, const std::filesystem::path& path);
// Several runs in one file, each with its own measured, device and predicted tracks (process ids
// 10*i+1, 10*i+2, 10*i+3 for the i-th run), each on its own time line starting at its first step:
// variants side by side.
TraceExportStats export_runs_trace(Store& store, const std::vector<RunId>& runs, const std::filesystem::path& path);

}  // namespace looplab::lab
