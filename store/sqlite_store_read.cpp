// SqliteStore reads: the runs list, one run, its rows (all at once or streamed one by one).
#include "store/sqlite_store.hpp"

namespace looplab::store {

namespace {

constexpr const char* kRunColumns = R"sql(
  r.id, r.created_at, coalesce(r.finished_at, ''), r.status, r.complete, r.label, r.model, r.variant, r.loops,
  r.config_json, r.batch, r.prompt_len, r.decode_steps, r.warmup, r.repeats, r.backend, r.tracer,
  coalesce(h.name, ''), coalesce(h.spec_json, ''), r.device_name, r.driver_version, r.cuda_version,
  r.engine_commit, r.host, r.pid, r.seed, r.threads, r.dropped_records, r.error, r.prefill_median_s,
  r.decode_median_s, r.decode_p10_s, r.decode_p90_s, r.predicted_prefill_s, r.predicted_decode_s)sql";

RunInfo read_run(const Statement& s) {
  RunInfo r;
  int c = 0;
  r.id = s.int64(c++);
  r.created_at = s.text(c++);
  r.finished_at = s.text(c++);
  r.status = parse_run_status(s.text(c++));
  r.complete = s.int64(c++) != 0;
  r.label = s.text(c++);
  r.model = s.text(c++);
  r.variant = s.text(c++);
  r.loops = s.int64(c++);
  r.config_json = s.text(c++);
  r.batch = s.int64(c++);
  r.prompt_len = s.int64(c++);
  r.decode_steps = s.int64(c++);
  r.warmup = s.int64(c++);
  r.repeats = s.int64(c++);
  r.backend = s.text(c++);
  r.tracer = s.text(c++);
  r.hardware = s.text(c++);
  r.hardware_json = s.text(c++);
  r.device_name = s.text(c++);
  r.driver_version = s.text(c++);
  r.cuda_version = s.text(c++);
  r.engine_commit = s.text(c++);
  r.host = s.text(c++);
  r.pid = s.int64(c++);
  r.seed = s.int64(c++);
  r.threads = s.int64(c++);
  r.dropped_records = s.int64(c++);
  r.error = s.text(c++);
  r.stats.prefill_median_s = s.opt_real(c++);
  r.stats.decode_median_s = s.opt_real(c++);
  r.stats.decode_p10_s = s.opt_real(c++);
  r.stats.decode_p90_s = s.opt_real(c++);
  r.stats.predicted_prefill_s = s.opt_real(c++);
  r.stats.predicted_decode_s = s.opt_real(c++);
  return r;
}

template <class Fn>
void each_row(Database& db, const std::string& sql, RunId run, Fn&& fn) {
  Statement st(db, sql);
  st.bind(1, run);
  while (st.step()) fn(st);
}

}  // namespace

std::string_view to_string(RunStatus s) {
  switch (s) {
    case RunStatus::running: return "running";
    case RunStatus::complete: return "complete";
    case RunStatus::interrupted: return "interrupted";
    case RunStatus::failed: return "failed";
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
  Statement st(db_, std::string("SELECT ") + kRunColumns +
                        ", (SELECT count(*) FROM op_measurements o WHERE o.run_id = r.id)"
                        ", (SELECT count(*) FROM CUPTI_ACTIVITY_KIND_KERNEL k WHERE k.runId = r.id)"
                        " FROM runs r LEFT JOIN hardware h ON h.id = r.hardware_id ORDER BY r.id DESC");
  while (st.step()) {
    RunSummary s;
    s.info = read_run(st);
    s.op_rows = st.int64(35);
    s.kernel_rows = st.int64(36);
    out.push_back(std::move(s));
  }
  return out;
}

std::optional<RunInfo> SqliteStore::get_run(RunId run) {
  Statement st(db_, std::string("SELECT ") + kRunColumns +
                        " FROM runs r LEFT JOIN hardware h ON h.id = r.hardware_id WHERE r.id = ?");
  st.bind(1, run);
  if (!st.step()) return std::nullopt;
  return read_run(st);
}

void SqliteStore::for_each_step(RunId run, const std::function<void(const StepRow&)>& fn) {
  each_row(db_,
           "SELECT repeat_index, step_index, phase, batch, context_len, start_ns, end_ns FROM steps "
           "WHERE run_id = ? ORDER BY repeat_index, step_index",
           run, [&](const Statement& s) {
             StepRow r;
             r.repeat_index = s.int64(0);
             r.step_index = s.int64(1);
             r.phase = s.text(2);
             r.batch = s.int64(3);
             r.context_len = s.int64(4);
             r.start_ns = s.int64(5);
             r.end_ns = s.int64(6);
             fn(r);
           });
}

void SqliteStore::for_each_op(RunId run, const std::function<void(const OpRow&)>& fn) {
  each_row(db_,
           "SELECT o.repeat_index, o.step_index, o.op_index, s.value, o.kind, o.layer, o.loop_lo, o.loop_hi, "
           "o.pass, o.rows, o.n, o.k, o.kv_len, o.start_ns, o.end_ns, o.device_ns, o.kernels "
           "FROM op_measurements o JOIN StringIds s ON s.id = o.name_id WHERE o.run_id = ? "
           "ORDER BY o.repeat_index, o.step_index, o.op_index",
           run, [&](const Statement& s) {
             OpRow r;
             int c = 0;
             r.repeat_index = s.int64(c++);
             r.step_index = s.int64(c++);
             r.op_index = s.int64(c++);
             r.name = s.text(c++);
             r.kind = s.text(c++);
             r.layer = s.int64(c++);
             r.loop_lo = s.int64(c++);
             r.loop_hi = s.int64(c++);
             r.pass = s.int64(c++);
             r.rows = s.int64(c++);
             r.n = s.int64(c++);
             r.k = s.int64(c++);
             r.kv_len = s.int64(c++);
             r.start_ns = s.int64(c++);
             r.end_ns = s.int64(c++);
             r.device_ns = s.opt_int64(c++);
             r.kernels = s.int64(c++);
             fn(r);
           });
}

void SqliteStore::for_each_prediction(RunId run, const std::function<void(const PredictionRow&)>& fn) {
  each_row(db_,
           "SELECT p.step_index, p.op_index, s.value, p.kind, p.time_s, p.flops, p.bytes, p.bound "
           "FROM predictions p JOIN StringIds s ON s.id = p.name_id WHERE p.run_id = ? "
           "ORDER BY p.step_index, p.op_index",
           run, [&](const Statement& s) {
             PredictionRow r;
             r.step_index = s.int64(0);
             r.op_index = s.int64(1);
             r.name = s.text(2);
             r.kind = s.text(3);
             r.time_s = s.real(4);
             r.flops = s.real(5);
             r.bytes = s.real(6);
             r.bound = s.text(7);
             fn(r);
           });
}

void SqliteStore::for_each_kernel(RunId run, const std::function<void(const KernelRow&)>& fn) {
  each_row(db_, R"sql(
    SELECT k.start, k.end, k.deviceId, k.contextId, k.streamId, k.correlationId, d.value, sn.value,
      coalesce(m.value, ''), coalesce(k.launchType, 0), coalesce(k.cacheConfig, 0), k.registersPerThread,
      k.gridX, k.gridY, k.gridZ, k.blockX, k.blockY, k.blockZ, k.staticSharedMemory, k.dynamicSharedMemory,
      k.localMemoryPerThread, k.localMemoryTotal, k.gridId, coalesce(k.sharedMemoryExecuted, 0),
      coalesce(k.graphNodeId, 0), coalesce(k.graphId, 0), k.repeatIndex, k.stepIndex, k.opIndex
    FROM CUPTI_ACTIVITY_KIND_KERNEL k
      JOIN StringIds d ON d.id = k.demangledName
      JOIN StringIds sn ON sn.id = k.shortName
      LEFT JOIN StringIds m ON m.id = k.mangledName
    WHERE k.runId = ? ORDER BY k.start)sql",
           run, [&](const Statement& s) {
             KernelRow r;
             int c = 0;
             r.start = s.int64(c++);
             r.end = s.int64(c++);
             r.device_id = s.int64(c++);
             r.context_id = s.int64(c++);
             r.stream_id = s.int64(c++);
             r.correlation_id = s.int64(c++);
             r.name = s.text(c++);
             r.short_name = s.text(c++);
             r.mangled_name = s.text(c++);
             r.launch_type = s.int64(c++);
             r.cache_config = s.int64(c++);
             r.registers_per_thread = s.int64(c++);
             r.grid_x = s.int64(c++);
             r.grid_y = s.int64(c++);
             r.grid_z = s.int64(c++);
             r.block_x = s.int64(c++);
             r.block_y = s.int64(c++);
             r.block_z = s.int64(c++);
             r.static_shared_memory = s.int64(c++);
             r.dynamic_shared_memory = s.int64(c++);
             r.local_memory_per_thread = s.int64(c++);
             r.local_memory_total = s.int64(c++);
             r.grid_id = s.int64(c++);
             r.shared_memory_executed = s.int64(c++);
             r.graph_node_id = s.int64(c++);
             r.graph_id = s.int64(c++);
             r.repeat_index = s.opt_int64(c++);
             r.step_index = s.opt_int64(c++);
             r.op_index = s.opt_int64(c++);
             fn(r);
           });
}

void SqliteStore::for_each_api_call(RunId run, const std::function<void(const ApiCallRow&)>& fn) {
  each_row(db_,
           "SELECT a.start, a.end, a.eventClass, coalesce(a.globalTid, 0), coalesce(a.correlationId, 0), s.value, "
           "a.returnValue, a.repeatIndex FROM CUPTI_ACTIVITY_KIND_RUNTIME a JOIN StringIds s ON s.id = a.nameId "
           "WHERE a.runId = ? ORDER BY a.start",
           run, [&](const Statement& s) {
             ApiCallRow r;
             r.start = s.int64(0);
             r.end = s.int64(1);
             r.event_class = s.int64(2);
             r.global_tid = s.int64(3);
             r.correlation_id = s.int64(4);
             r.name = s.text(5);
             r.return_value = s.int64(6);
             r.repeat_index = s.opt_int64(7);
             fn(r);
           });
}

RunRows SqliteStore::read_rows(RunId run) {
  RunRows rows;
  for_each_step(run, [&](const StepRow& r) { rows.steps.push_back(r); });
  for_each_op(run, [&](const OpRow& r) { rows.ops.push_back(r); });
  for_each_prediction(run, [&](const PredictionRow& r) { rows.predictions.push_back(r); });
  for_each_kernel(run, [&](const KernelRow& r) { rows.kernels.push_back(r); });
  for_each_api_call(run, [&](const ApiCallRow& r) { rows.api_calls.push_back(r); });
  each_row(db_,
           "SELECT start, end, deviceId, contextId, streamId, coalesce(correlationId, 0), bytes, copyKind, "
           "coalesce(srcKind, 0), coalesce(dstKind, 0), repeatIndex FROM CUPTI_ACTIVITY_KIND_MEMCPY "
           "WHERE runId = ? ORDER BY start",
           run, [&](const Statement& s) {
             MemcpyRow m;
             m.start = s.int64(0);
             m.end = s.int64(1);
             m.device_id = s.int64(2);
             m.context_id = s.int64(3);
             m.stream_id = s.int64(4);
             m.correlation_id = s.int64(5);
             m.bytes = s.int64(6);
             m.copy_kind = s.int64(7);
             m.src_kind = s.int64(8);
             m.dst_kind = s.int64(9);
             m.repeat_index = s.opt_int64(10);
             rows.memcpys.push_back(m);
           });
  each_row(db_,
           "SELECT start, end, deviceId, contextId, streamId, coalesce(correlationId, 0), value, bytes, "
           "coalesce(memKind, 0), repeatIndex FROM CUPTI_ACTIVITY_KIND_MEMSET WHERE runId = ? ORDER BY start",
           run, [&](const Statement& s) {
             MemsetRow m;
             m.start = s.int64(0);
             m.end = s.int64(1);
             m.device_id = s.int64(2);
             m.context_id = s.int64(3);
             m.stream_id = s.int64(4);
             m.correlation_id = s.int64(5);
             m.value = s.int64(6);
             m.bytes = s.int64(7);
             m.mem_kind = s.int64(8);
             m.repeat_index = s.opt_int64(9);
             rows.memsets.push_back(m);
           });
  each_row(db_,
           "SELECT start, end, contextId, streamId, coalesce(correlationId, 0), syncType, eventId, repeatIndex "
           "FROM CUPTI_ACTIVITY_KIND_SYNCHRONIZATION WHERE runId = ? ORDER BY start",
           run, [&](const Statement& s) {
             SyncRow m;
             m.start = s.int64(0);
             m.end = s.int64(1);
             m.context_id = s.int64(2);
             m.stream_id = s.int64(3);
             m.correlation_id = s.int64(4);
             m.sync_type = s.int64(5);
             m.event_id = s.int64(6);
             m.repeat_index = s.opt_int64(7);
             rows.syncs.push_back(m);
           });
  each_row(db_,
           "SELECT n.start, n.end, n.eventType, coalesce(n.rangeId, 0), coalesce(n.text, ''), "
           "coalesce(n.globalTid, 0), coalesce(d.value, ''), n.repeatIndex FROM NVTX_EVENTS n "
           "LEFT JOIN StringIds d ON d.id = n.domainId WHERE n.runId = ? ORDER BY n.start",
           run, [&](const Statement& s) {
             NvtxRow m;
             m.start = s.int64(0);
             m.end = s.opt_int64(1);
             m.event_type = s.int64(2);
             m.range_id = s.int64(3);
             m.text = s.text(4);
             m.global_tid = s.int64(5);
             m.domain = s.text(6);
             m.repeat_index = s.opt_int64(7);
             rows.nvtx.push_back(m);
           });
  each_row(db_,
           "SELECT o.start, o.end, coalesce(o.globalTid, 0), s.value, o.repeatIndex FROM PROFILER_OVERHEAD o "
           "JOIN StringIds s ON s.id = o.nameId WHERE o.runId = ? ORDER BY o.start",
           run, [&](const Statement& s) {
             OverheadRow m;
             m.start = s.int64(0);
             m.end = s.int64(1);
             m.global_tid = s.int64(2);
             m.name = s.text(3);
             m.repeat_index = s.opt_int64(4);
             rows.overheads.push_back(m);
           });
  return rows;
}

std::vector<HardwareRow> SqliteStore::hardware() {
  std::vector<HardwareRow> out;
  Statement st(db_, "SELECT id, name, spec_json, created_at FROM hardware ORDER BY id");
  while (st.step()) out.push_back({st.int64(0), st.text(1), st.text(2), st.text(3)});
  return out;
}

std::vector<CalibrationRow> SqliteStore::calibrations() {
  std::vector<CalibrationRow> out;
  Statement st(db_,
               "SELECT c.id, h.name, c.created_at, c.method, c.params_json, c.source_run_id FROM calibrations c "
               "JOIN hardware h ON h.id = c.hardware_id ORDER BY c.id");
  while (st.step()) {
    CalibrationRow c;
    c.id = st.int64(0);
    c.hardware = st.text(1);
    c.created_at = st.text(2);
    c.method = st.text(3);
    c.params_json = st.text(4);
    c.source_run = st.opt_int64(5);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace looplab::store
