// The results store interface: runs, their measurements and predictions, hardware specs and
// calibrations. SQLite is the embedded default (sqlite_store.hpp); the interface keeps callers
// free of it so a server back end can follow. Every write is one transaction.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "store/records.hpp"

namespace looplab::store {

// What a runs browser shows per run without reading its rows.
struct RunSummary {
  RunInfo info;              // every column of `runs` (config JSON included)
  std::int64_t op_rows = 0;  // op measurements stored
  std::int64_t kernel_rows = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // ---- writing ----
  // Records a new run, status running and not complete, and returns its id. Fills id and
  // created_at from the store.
  virtual RunId begin_run(RunInfo& info) = 0;
  // Appends rows to a run, all or nothing.
  virtual void append(RunId run, const RunRows& rows) = 0;
  // Marks run info.id finished: writes what is known only at the end (status, complete only when
  // every row is in, repeats done, stop reason, summary statistics, machine state after the run,
  // dropped records, lost attributions, error text, finished_at).
  virtual void finish_run(const RunInfo& info) = 0;
  virtual std::int64_t add_calibration(CalibrationRow& row, const std::string& hardware_json) = 0;
  // Keeps a hardware spec (deduplicated on name + JSON) and returns its id, e.g. a measured
  // `host` spec with its machine and quality, that later runs on the same machine reuse.
  virtual std::int64_t put_hardware(const HardwareRow& row) = 0;
  // Removes a hardware spec no run or calibration refers to; false when there was no such id.
  // Throws StoreError when a run or calibration still uses it.
  virtual bool remove_hardware(std::int64_t id) = 0;
  // Writes a sweep and all its points in one transaction (all or nothing) and returns its id.
  // Fills id, created_at and points.
  virtual std::int64_t add_sweep(SweepInfo& sweep, const std::vector<SweepPointRow>& points) = 0;
  // Deletes runs with every row they own, in one transaction; a calibration fitted on one keeps
  // its figures and loses the link. Returns how many runs there were.
  virtual std::int64_t delete_runs(const std::vector<RunId>& runs) = 0;
  // Copies a finished run from another store, with all its rows and its timestamps, in one
  // transaction (all or nothing); returns its id here (ids are each store's own). Its hardware
  // spec is matched on name and JSON (put_hardware first to keep a measured spec's machine).
  virtual RunId import_run(const RunInfo& info, const RunRows& rows) = 0;
  // Gives the pages freed by deletions back to the file system (SQLite VACUUM).
  virtual void compact() = 0;

  // ---- reading ----
  // Newest first (by creation time; runs merged from another store keep theirs).
  virtual std::vector<RunSummary> list_runs() = 0;
  virtual std::optional<RunInfo> get_run(RunId run) = 0;
  // Every row of the run, ordered by (repeat, step, op) / time.
  virtual RunRows read_rows(RunId run) = 0;
  // Streams rows one at a time in (repeat, step, op) order, for exports of any size.
  virtual void for_each_step(RunId run, const std::function<void(const StepRow&)>& fn) = 0;
  virtual void for_each_op(RunId run, const std::function<void(const OpRow&)>& fn) = 0;
  virtual void for_each_prediction(RunId run, const std::function<void(const PredictionRow&)>& fn) = 0;
  virtual void for_each_kernel(RunId run, const std::function<void(const KernelRow&)>& fn) = 0;
  virtual void for_each_api_call(RunId run, const std::function<void(const ApiCallRow&)>& fn) = 0;
  virtual std::vector<HardwareRow> hardware() = 0;  // oldest first
  virtual std::vector<CalibrationRow> calibrations() = 0;
  virtual std::vector<SweepInfo> sweeps() = 0;                                   // oldest first
  virtual std::vector<SweepPointRow> read_sweep_points(std::int64_t sweep) = 0;  // in point order
};

enum class OpenMode : unsigned char {
  read_only,       // the file must exist and be a looplab store; nothing is created beside it
  read_only_live,  // the same, for a long-lived reader (the GUI) that sees writers' progress
  read_write,      // created with the current schema when missing; migrated when older
};

struct StoreOptions {
  int busy_timeout_ms = 30000;            // how long a writer waits for another's lock
  std::optional<std::int64_t> max_pages;  // cap the file at this many pages (fault tests)
};

// Opens (and in read_write mode creates or migrates) a store. Problems with the file itself
// throw InputError on field "db" with a message saying what is wrong: an SQLite special name or
// URI, a directory, a missing file (read_only), a read-only file (read_write), not a SQLite file,
// corrupt, not a looplab store, written by a newer looplab, or a -wal or -journal beside it that
// belongs to another database. A refused file is left exactly as it was: the checks read its
// bytes before SQLite opens it.
std::unique_ptr<Store> open_store(const std::filesystem::path& path, OpenMode mode, const StoreOptions& options = {});

}  // namespace looplab::store
