// SqliteStore writes: runs, rows (one transaction per append), run completion, calibrations,
// hardware specs. Every statement comes from the table descriptions (store/tables.hpp).
#include "store/sqlite_store.hpp"

#include <array>

#include "store/store_error.hpp"
#include "store/tables.hpp"

namespace looplab::store {

namespace {

// Inserts every row of a vector into its table, keyed by the run.
template <class T, class Row>
void insert_all(Database& db, const T& table, RunId run, const std::vector<Row>& rows, StringInterner& strings) {
  if (rows.empty()) return;
  Statement st(db, table::insert_sql(table));
  const std::optional<std::int64_t> key[] = {run};
  for (const Row& r : rows) {
    table::bind_insert(st, table, key, r, &strings);
    st.run();
  }
}

}  // namespace

SqliteStore::SqliteStore(Database db) : db_(std::move(db)) {}

std::int64_t SqliteStore::hardware_id(const HardwareRow& row) {
  Statement ins(db_, table::insert_sql(tables::kHardware, "INSERT OR IGNORE"));
  table::bind_insert(ins, tables::kHardware, {}, row, nullptr);
  ins.run();
  Statement sel(db_, "SELECT id FROM hardware WHERE name = ? AND spec_json = ?");
  sel.bind(1, std::string_view(row.name)).bind(2, std::string_view(row.spec_json));
  if (!sel.step()) throw StoreError(StoreFault::io, db_.path() + ": hardware row not found after insert");
  return sel.int64(0);
}

std::int64_t SqliteStore::put_hardware(const HardwareRow& row) {
  Transaction tx(db_);
  std::int64_t id = hardware_id(row);
  tx.commit();
  return id;
}

bool SqliteStore::remove_hardware(std::int64_t id) {
  Transaction tx(db_);
  Statement used(db_,
                 "SELECT (SELECT count(*) FROM runs WHERE hardware_id = ?1) + "
                 "(SELECT count(*) FROM calibrations WHERE hardware_id = ?1)");
  used.bind(1, id);
  if (used.step() && used.int64(0) > 0)
    throw StoreError(StoreFault::io, db_.path() + ": hardware spec " + std::to_string(id) +
                                         " is used by stored runs or calibrations and stays");
  Statement del(db_, "DELETE FROM hardware WHERE id = ?");
  del.bind(1, id).run();
  const bool removed = db_.query_int("SELECT changes()") == 1;
  tx.commit();
  return removed;
}

std::int64_t SqliteStore::delete_runs(const std::vector<RunId>& runs) {
  // Every table whose rows belong to a run (store/schema.cpp), by its run column
  static constexpr std::array<std::pair<const char*, const char*>, 10> kOwned{{
      {"steps", "run_id"},
      {"op_measurements", "run_id"},
      {"predictions", "run_id"},
      {"CUPTI_ACTIVITY_KIND_KERNEL", "runId"},
      {"CUPTI_ACTIVITY_KIND_RUNTIME", "runId"},
      {"CUPTI_ACTIVITY_KIND_MEMCPY", "runId"},
      {"CUPTI_ACTIVITY_KIND_MEMSET", "runId"},
      {"CUPTI_ACTIVITY_KIND_SYNCHRONIZATION", "runId"},
      {"NVTX_EVENTS", "runId"},
      {"PROFILER_OVERHEAD", "runId"},
  }};
  Transaction tx(db_);
  // A damaged file is refused before anything is deleted: a deletion that went through and a
  // compaction that then met the damage would change the file and still fail.
  {
    Statement check(db_, "PRAGMA quick_check(1)");
    if (check.step() && check.text(0) != "ok")
      throw StoreError(StoreFault::corrupt, db_.path() + ": the store is damaged (" + check.text(0) +
                                                "): restore it from a copy; nothing was deleted");
  }
  std::int64_t deleted = 0;
  for (const RunId id : runs) {
    for (const auto& [table, column] : kOwned) {
      Statement del(db_, std::string("DELETE FROM ") + table + " WHERE " + column + " = ?");
      del.bind(1, id).run();
    }
    Statement unlink(db_, "UPDATE calibrations SET source_run_id = NULL WHERE source_run_id = ?");
    unlink.bind(1, id).run();
    Statement del(db_, "DELETE FROM runs WHERE id = ?");
    del.bind(1, id).run();
    deleted += db_.query_int("SELECT changes()");
  }
  tx.commit();
  return deleted;
}

void SqliteStore::compact() {
  db_.exec("VACUUM");
  // in WAL mode the rewritten pages sit in the log until a checkpoint moves them into the file
  db_.exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

RunId SqliteStore::begin_run(RunInfo& info) {
  info.status = RunStatus::running;
  info.complete = false;
  Transaction tx(db_);
  std::optional<std::int64_t> hw;
  if (!info.hardware.empty()) hw = hardware_id({0, info.hardware, info.hardware_json, "", "", "", ""});
  Statement st(db_, table::insert_sql(tables::kRuns));
  const std::optional<std::int64_t> key[] = {hw};
  table::bind_insert(st, tables::kRuns, key, info, nullptr);
  st.run();
  RunId id = db_.last_insert_rowid();
  tx.commit();
  info.id = id;
  if (auto stored = get_run(id)) info.created_at = stored->created_at;
  return id;
}

void SqliteStore::append(RunId run, const RunRows& rows) {
  if (rows.empty()) return;
  Transaction tx(db_);
  if (db_.query_int("SELECT count(*) FROM runs WHERE id = " + std::to_string(run)) != 1)
    throw StoreError(StoreFault::io, db_.path() + ": run " + std::to_string(run) + " does not exist");
  StringInterner strings(db_);
  insert_all(db_, tables::kSteps, run, rows.steps, strings);
  insert_all(db_, tables::kOps, run, rows.ops, strings);
  insert_all(db_, tables::kPredictions, run, rows.predictions, strings);
  insert_all(db_, tables::kKernels, run, rows.kernels, strings);
  insert_all(db_, tables::kApiCalls, run, rows.api_calls, strings);
  insert_all(db_, tables::kMemcpys, run, rows.memcpys, strings);
  insert_all(db_, tables::kMemsets, run, rows.memsets, strings);
  insert_all(db_, tables::kSyncs, run, rows.syncs, strings);
  insert_all(db_, tables::kNvtx, run, rows.nvtx, strings);
  insert_all(db_, tables::kOverheads, run, rows.overheads, strings);
  tx.commit();
}

void SqliteStore::finish_run(const RunInfo& info) {
  RunInfo row = info;
  row.complete = row.status == RunStatus::complete;
  Transaction tx(db_);
  Statement st(db_, table::finish_sql(tables::kRuns, "id = ?"));
  const int last = table::bind_finish(st, tables::kRuns, row);
  st.bind(last + 1, info.id).run();
  if (db_.query_int("SELECT changes()") != 1)
    throw StoreError(StoreFault::io, db_.path() + ": run " + std::to_string(info.id) + " does not exist");
  tx.commit();
}

RunId SqliteStore::import_run(const RunInfo& info, const RunRows& rows) {
  RunInfo row = info;
  row.complete = row.status == RunStatus::complete;
  Transaction tx(db_);
  std::optional<std::int64_t> hw;
  if (!row.hardware.empty()) hw = hardware_id({0, row.hardware, row.hardware_json, "", "", "", ""});
  Statement ins(db_, table::insert_sql(tables::kRuns));
  const std::optional<std::int64_t> key[] = {hw};
  table::bind_insert(ins, tables::kRuns, key, row, nullptr);
  ins.run();
  const RunId id = db_.last_insert_rowid();
  StringInterner strings(db_);
  insert_all(db_, tables::kSteps, id, rows.steps, strings);
  insert_all(db_, tables::kOps, id, rows.ops, strings);
  insert_all(db_, tables::kPredictions, id, rows.predictions, strings);
  insert_all(db_, tables::kKernels, id, rows.kernels, strings);
  insert_all(db_, tables::kApiCalls, id, rows.api_calls, strings);
  insert_all(db_, tables::kMemcpys, id, rows.memcpys, strings);
  insert_all(db_, tables::kMemsets, id, rows.memsets, strings);
  insert_all(db_, tables::kSyncs, id, rows.syncs, strings);
  insert_all(db_, tables::kNvtx, id, rows.nvtx, strings);
  insert_all(db_, tables::kOverheads, id, rows.overheads, strings);
  Statement fin(db_, table::finish_sql(tables::kRuns, "id = ?"));
  const int last = table::bind_finish(fin, tables::kRuns, row);
  fin.bind(last + 1, id).run();
  // The timestamps are the run's, not the copy's: history and branch tips order runs by them.
  Statement when(db_, "UPDATE runs SET created_at = ?, finished_at = ? WHERE id = ?");
  when.bind(1, row.created_at);
  if (row.finished_at.empty())
    when.bind(2, std::optional<std::int64_t>{});
  else
    when.bind(2, row.finished_at);
  when.bind(3, id).run();
  tx.commit();
  return id;
}

std::int64_t SqliteStore::add_calibration(CalibrationRow& row, const std::string& hardware_json) {
  Transaction tx(db_);
  const std::optional<std::int64_t> key[] = {hardware_id({0, row.hardware, hardware_json, "", "", "", ""})};
  Statement st(db_, table::insert_sql(tables::kCalibrations));
  table::bind_insert(st, tables::kCalibrations, key, row, nullptr);
  st.run();
  row.id = db_.last_insert_rowid();
  tx.commit();
  return row.id;
}

std::int64_t SqliteStore::add_sweep(SweepInfo& sweep, const std::vector<SweepPointRow>& points) {
  // One transaction: a sweep killed while writing leaves no sweeps row and no points.
  Transaction tx(db_);
  sweep.points = static_cast<std::int64_t>(points.size());
  Statement head(db_, table::insert_sql(tables::kSweeps));
  table::bind_insert(head, tables::kSweeps, {}, sweep, nullptr);
  head.run();
  const std::int64_t id = db_.last_insert_rowid();
  Statement row(db_, table::insert_sql(tables::kSweepPoints));
  std::int64_t index = 0;
  for (const SweepPointRow& p : points) {
    const std::optional<std::int64_t> key[] = {id, index++};
    table::bind_insert(row, tables::kSweepPoints, key, p, nullptr);
    row.run();
  }
  Statement when(db_, "SELECT created_at FROM sweeps WHERE id = ?");
  when.bind(1, id);
  if (when.step()) sweep.created_at = when.text(0);
  tx.commit();
  sweep.id = id;
  return id;
}

}  // namespace looplab::store
