// SqliteStore reads: the runs list, one run, its rows (all at once or streamed one by one),
// hardware specs, calibrations and sweeps. Every SELECT comes from the table descriptions.
#include "store/sqlite_store.hpp"
#include "store/tables.hpp"

namespace looplab::store {

namespace {

// Calls fn(row) for each row of `table` selected with `tail` (WHERE ... ORDER BY ...), binding
// `key` to the first parameter when given.
template <class Row, class T, class Fn>
void each(Database& db, const T& table, const std::string& tail, std::optional<std::int64_t> key, Fn&& fn) {
  Statement st(db, table::select_sql(table, tail));
  if (key) st.bind(1, *key);
  while (st.step()) {
    Row r;
    table::read_row(st, table, r);
    fn(r);
  }
}

template <class Row, class T>
std::vector<Row> all(Database& db, const T& table, const std::string& tail, std::optional<std::int64_t> key = {}) {
  std::vector<Row> out;
  each<Row>(db, table, tail, key, [&](Row& r) { out.push_back(std::move(r)); });
  return out;
}

}  // namespace

std::string_view to_string(RunStatus s) {
  switch (s) {
    case RunStatus::running:
      return "running";
    case RunStatus::complete:
      return "complete";
    case RunStatus::interrupted:
      return "interrupted";
    case RunStatus::failed:
      return "failed";
  }
  return "failed";
}

RunStatus parse_run_status(std::string_view s) {
  if (s == "running") return RunStatus::running;
  if (s == "complete") return RunStatus::complete;
  if (s == "interrupted") return RunStatus::interrupted;
  return RunStatus::failed;
}

std::vector<RunSummary> SqliteStore::list_runs() {
  std::vector<RunSummary> out;
  const int counts = table::selected_columns(tables::kRuns);
  Statement st(db_, "SELECT " + table::select_list(tables::kRuns) +
                        ", (SELECT count(*) FROM op_measurements o WHERE o.run_id = runs.id)"
                        ", (SELECT count(*) FROM CUPTI_ACTIVITY_KIND_KERNEL k WHERE k.runId = runs.id)"
                        " FROM runs ORDER BY runs.created_at DESC, runs.id DESC");  // merged runs keep their times
  while (st.step()) {
    RunSummary s;
    table::read_row(st, tables::kRuns, s.info);
    s.op_rows = st.int64(counts);
    s.kernel_rows = st.int64(counts + 1);
    out.push_back(std::move(s));
  }
  return out;
}

std::optional<RunInfo> SqliteStore::get_run(RunId run) {
  std::optional<RunInfo> out;
  each<RunInfo>(db_, tables::kRuns, "WHERE runs.id = ?", run, [&](RunInfo& r) { out = std::move(r); });
  return out;
}

void SqliteStore::for_each_step(RunId run, const std::function<void(const StepRow&)>& fn) {
  each<StepRow>(db_, tables::kSteps, "WHERE run_id = ? ORDER BY repeat_index, step_index", run, fn);
}

void SqliteStore::for_each_op(RunId run, const std::function<void(const OpRow&)>& fn) {
  each<OpRow>(db_, tables::kOps, "WHERE run_id = ? ORDER BY repeat_index, step_index, op_index", run, fn);
}

void SqliteStore::for_each_prediction(RunId run, const std::function<void(const PredictionRow&)>& fn) {
  each<PredictionRow>(db_, tables::kPredictions, "WHERE run_id = ? ORDER BY step_index, op_index", run, fn);
}

void SqliteStore::for_each_kernel(RunId run, const std::function<void(const KernelRow&)>& fn) {
  each<KernelRow>(db_, tables::kKernels, "WHERE runId = ? ORDER BY start", run, fn);
}

void SqliteStore::for_each_api_call(RunId run, const std::function<void(const ApiCallRow&)>& fn) {
  each<ApiCallRow>(db_, tables::kApiCalls, "WHERE runId = ? ORDER BY start", run, fn);
}

RunRows SqliteStore::read_rows(RunId run) {
  RunRows rows;
  const std::string by_time = "WHERE runId = ? ORDER BY start";
  for_each_step(run, [&](const StepRow& r) { rows.steps.push_back(r); });
  for_each_op(run, [&](const OpRow& r) { rows.ops.push_back(r); });
  for_each_prediction(run, [&](const PredictionRow& r) { rows.predictions.push_back(r); });
  rows.kernels = all<KernelRow>(db_, tables::kKernels, by_time, run);
  rows.api_calls = all<ApiCallRow>(db_, tables::kApiCalls, by_time, run);
  rows.memcpys = all<MemcpyRow>(db_, tables::kMemcpys, by_time, run);
  rows.memsets = all<MemsetRow>(db_, tables::kMemsets, by_time, run);
  rows.syncs = all<SyncRow>(db_, tables::kSyncs, by_time, run);
  rows.nvtx = all<NvtxRow>(db_, tables::kNvtx, by_time, run);
  rows.overheads = all<OverheadRow>(db_, tables::kOverheads, by_time, run);
  return rows;
}

std::vector<HardwareRow> SqliteStore::hardware() { return all<HardwareRow>(db_, tables::kHardware, "ORDER BY id"); }

std::vector<CalibrationRow> SqliteStore::calibrations() {
  return all<CalibrationRow>(db_, tables::kCalibrations, "ORDER BY id");
}

std::vector<SweepInfo> SqliteStore::sweeps() { return all<SweepInfo>(db_, tables::kSweeps, "ORDER BY id"); }

std::vector<SweepPointRow> SqliteStore::read_sweep_points(std::int64_t sweep) {
  return all<SweepPointRow>(db_, tables::kSweepPoints, "WHERE sweep_id = ? ORDER BY point_index", sweep);
}

}  // namespace looplab::store
