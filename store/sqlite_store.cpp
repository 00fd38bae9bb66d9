// SqliteStore writes: runs, rows (one transaction per append), run completion, calibrations.
#include "store/sqlite_store.hpp"

#include <unordered_map>

#include "store/store_error.hpp"

namespace looplab::store {

namespace {

// Interns strings into StringIds within one transaction; the cache dies with the transaction,
// so a rolled-back insert never leaves a stale id behind.
class StringInterner {
 public:
  explicit StringInterner(Database& db)
      : insert_(db, "INSERT OR IGNORE INTO StringIds (value) VALUES (?)"),
        select_(db, "SELECT id FROM StringIds WHERE value = ?") {}
  std::int64_t id(const std::string& s) {
    auto it = cache_.find(s);
    if (it != cache_.end()) return it->second;
    insert_.bind(1, std::string_view(s)).run();
    select_.bind(1, std::string_view(s));
    if (!select_.step()) throw StoreError(StoreFault::io, "StringIds: interned string not found");
    std::int64_t v = select_.int64(0);
    select_.reset();
    cache_.emplace(s, v);
    return v;
  }

 private:
  Statement insert_, select_;
  std::unordered_map<std::string, std::int64_t> cache_;
};

}  // namespace

SqliteStore::SqliteStore(Database db) : db_(std::move(db)) {}

std::int64_t SqliteStore::hardware_id(const std::string& name, const std::string& spec_json) {
  Statement ins(db_,
                "INSERT OR IGNORE INTO hardware (name, spec_json, created_at) "
                "VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))");
  ins.bind(1, std::string_view(name)).bind(2, std::string_view(spec_json)).run();
  Statement sel(db_, "SELECT id FROM hardware WHERE name = ? AND spec_json = ?");
  sel.bind(1, std::string_view(name)).bind(2, std::string_view(spec_json));
  if (!sel.step()) throw StoreError(StoreFault::io, db_.path() + ": hardware row not found after insert");
  return sel.int64(0);
}

std::int64_t SqliteStore::put_hardware(const std::string& name, const std::string& spec_json) {
  Transaction tx(db_);
  std::int64_t id = hardware_id(name, spec_json);
  tx.commit();
  return id;
}

RunId SqliteStore::begin_run(RunInfo& info) {
  Transaction tx(db_);
  std::optional<std::int64_t> hw;
  if (!info.hardware.empty()) hw = hardware_id(info.hardware, info.hardware_json);
  Statement st(db_, R"sql(
    INSERT INTO runs (created_at, status, complete, label, model, variant, loops, config_json, batch,
      prompt_len, decode_steps, warmup, repeats, backend, tracer, hardware_id, device_name,
      driver_version, cuda_version, engine_commit, host, pid, seed, threads)
    VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'running', 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
      ?, ?, ?, ?, ?, ?, ?, ?))sql");
  st.bind_all(std::string_view(info.label), std::string_view(info.model), std::string_view(info.variant),
              info.loops, std::string_view(info.config_json), info.batch, info.prompt_len, info.decode_steps,
              info.warmup, info.repeats, std::string_view(info.backend), std::string_view(info.tracer), hw,
              std::string_view(info.device_name), std::string_view(info.driver_version),
              std::string_view(info.cuda_version), std::string_view(info.engine_commit),
              std::string_view(info.host), info.pid, info.seed, info.threads);
  st.run();
  RunId id = db_.last_insert_rowid();
  tx.commit();
  info.id = id;
  info.status = RunStatus::running;
  info.complete = false;
  if (auto stored = get_run(id)) info.created_at = stored->created_at;
  return id;
}

void SqliteStore::append(RunId run, const RunRows& rows) {
  if (rows.empty()) return;
  Transaction tx(db_);
  if (db_.query_int("SELECT count(*) FROM runs WHERE id = " + std::to_string(run)) != 1)
    throw StoreError(StoreFault::io, db_.path() + ": run " + std::to_string(run) + " does not exist");
  append_rows(run, rows);
  tx.commit();
}

void SqliteStore::append_rows(RunId run, const RunRows& rows) {
  StringInterner strings(db_);
  if (!rows.steps.empty()) {
    Statement st(db_,
                 "INSERT INTO steps (run_id, repeat_index, step_index, phase, batch, context_len, start_ns, "
                 "end_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    for (const StepRow& s : rows.steps)
      st.bind(1, run).bind(2, s.repeat_index).bind(3, s.step_index).bind(4, std::string_view(s.phase))
          .bind(5, s.batch).bind(6, s.context_len).bind(7, s.start_ns).bind(8, s.end_ns).run();
  }
  if (!rows.ops.empty()) {
    Statement st(db_,
                 "INSERT INTO op_measurements (run_id, repeat_index, step_index, op_index, name_id, kind, layer, "
                 "loop_lo, loop_hi, pass, rows, n, k, kv_len, start_ns, end_ns, device_ns, kernels) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const OpRow& o : rows.ops)
      st.bind(1, run).bind(2, o.repeat_index).bind(3, o.step_index).bind(4, o.op_index)
          .bind(5, strings.id(o.name)).bind(6, std::string_view(o.kind)).bind(7, o.layer).bind(8, o.loop_lo)
          .bind(9, o.loop_hi).bind(10, o.pass).bind(11, o.rows).bind(12, o.n).bind(13, o.k).bind(14, o.kv_len)
          .bind(15, o.start_ns).bind(16, o.end_ns).bind(17, o.device_ns).bind(18, o.kernels).run();
  }
  if (!rows.predictions.empty()) {
    Statement st(db_,
                 "INSERT INTO predictions (run_id, step_index, op_index, name_id, kind, time_s, flops, bytes, bound) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const PredictionRow& p : rows.predictions)
      st.bind(1, run).bind(2, p.step_index).bind(3, p.op_index).bind(4, strings.id(p.name))
          .bind(5, std::string_view(p.kind)).bind(6, p.time_s).bind(7, p.flops).bind(8, p.bytes)
          .bind(9, std::string_view(p.bound)).run();
  }
  if (!rows.kernels.empty()) {
    Statement st(db_, R"sql(
      INSERT INTO CUPTI_ACTIVITY_KIND_KERNEL (start, end, deviceId, contextId, streamId, correlationId,
        globalPid, demangledName, shortName, mangledName, launchType, cacheConfig, registersPerThread,
        gridX, gridY, gridZ, blockX, blockY, blockZ, staticSharedMemory, dynamicSharedMemory,
        localMemoryPerThread, localMemoryTotal, gridId, sharedMemoryExecuted, graphNodeId, graphId,
        runId, repeatIndex, stepIndex, opIndex)
      VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?))sql");
    for (const KernelRow& k : rows.kernels) {
      st.bind_all(k.start, k.end, k.device_id, k.context_id, k.stream_id, k.correlation_id, strings.id(k.name),
                  strings.id(k.short_name.empty() ? k.name : k.short_name),
                  strings.id(k.mangled_name.empty() ? k.name : k.mangled_name), k.launch_type, k.cache_config,
                  k.registers_per_thread, k.grid_x, k.grid_y, k.grid_z, k.block_x, k.block_y, k.block_z,
                  k.static_shared_memory, k.dynamic_shared_memory, k.local_memory_per_thread,
                  k.local_memory_total, k.grid_id, k.shared_memory_executed, k.graph_node_id, k.graph_id, run,
                  k.repeat_index, k.step_index, k.op_index);
      st.run();
    }
  }
  if (!rows.api_calls.empty()) {
    Statement st(db_,
                 "INSERT INTO CUPTI_ACTIVITY_KIND_RUNTIME (start, end, eventClass, globalTid, correlationId, "
                 "nameId, returnValue, runId, repeatIndex) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const ApiCallRow& a : rows.api_calls)
      st.bind(1, a.start).bind(2, a.end).bind(3, a.event_class).bind(4, a.global_tid).bind(5, a.correlation_id)
          .bind(6, strings.id(a.name)).bind(7, a.return_value).bind(8, run).bind(9, a.repeat_index).run();
  }
  if (!rows.memcpys.empty()) {
    Statement st(db_,
                 "INSERT INTO CUPTI_ACTIVITY_KIND_MEMCPY (start, end, deviceId, contextId, streamId, correlationId, "
                 "bytes, copyKind, srcKind, dstKind, runId, repeatIndex) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const MemcpyRow& m : rows.memcpys)
      st.bind(1, m.start).bind(2, m.end).bind(3, m.device_id).bind(4, m.context_id).bind(5, m.stream_id)
          .bind(6, m.correlation_id).bind(7, m.bytes).bind(8, m.copy_kind).bind(9, m.src_kind)
          .bind(10, m.dst_kind).bind(11, run).bind(12, m.repeat_index).run();
  }
  if (!rows.memsets.empty()) {
    Statement st(db_,
                 "INSERT INTO CUPTI_ACTIVITY_KIND_MEMSET (start, end, deviceId, contextId, streamId, correlationId, "
                 "value, bytes, memKind, runId, repeatIndex) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const MemsetRow& m : rows.memsets)
      st.bind(1, m.start).bind(2, m.end).bind(3, m.device_id).bind(4, m.context_id).bind(5, m.stream_id)
          .bind(6, m.correlation_id).bind(7, m.value).bind(8, m.bytes).bind(9, m.mem_kind).bind(10, run)
          .bind(11, m.repeat_index).run();
  }
  if (!rows.syncs.empty()) {
    Statement st(db_,
                 "INSERT INTO CUPTI_ACTIVITY_KIND_SYNCHRONIZATION (start, end, contextId, streamId, correlationId, "
                 "syncType, eventId, runId, repeatIndex) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const SyncRow& s : rows.syncs)
      st.bind(1, s.start).bind(2, s.end).bind(3, s.context_id).bind(4, s.stream_id).bind(5, s.correlation_id)
          .bind(6, s.sync_type).bind(7, s.event_id).bind(8, run).bind(9, s.repeat_index).run();
  }
  if (!rows.nvtx.empty()) {
    Statement st(db_,
                 "INSERT INTO NVTX_EVENTS (start, end, eventType, rangeId, text, globalTid, textId, domainId, runId, "
                 "repeatIndex) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const NvtxRow& n : rows.nvtx)
      st.bind(1, n.start).bind(2, n.end).bind(3, n.event_type).bind(4, n.range_id).bind(5, std::string_view(n.text))
          .bind(6, n.global_tid).bind(7, strings.id(n.text)).bind(8, strings.id(n.domain)).bind(9, run)
          .bind(10, n.repeat_index).run();
  }
  if (!rows.overheads.empty()) {
    Statement st(db_,
                 "INSERT INTO PROFILER_OVERHEAD (start, end, globalTid, nameId, runId, repeatIndex) "
                 "VALUES (?, ?, ?, ?, ?, ?)");
    for (const OverheadRow& o : rows.overheads)
      st.bind(1, o.start).bind(2, o.end).bind(3, o.global_tid).bind(4, strings.id(o.name)).bind(5, run)
          .bind(6, o.repeat_index).run();
  }
}

void SqliteStore::finish_run(RunId run, RunStatus status, const RunStats& stats, std::int64_t dropped_records,
                             const std::string& error) {
  Transaction tx(db_);
  Statement st(db_, R"sql(
    UPDATE runs SET status = ?, complete = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
      dropped_records = ?, error = ?, prefill_median_s = ?, decode_median_s = ?, decode_p10_s = ?,
      decode_p90_s = ?, predicted_prefill_s = ?, predicted_decode_s = ?
    WHERE id = ?)sql");
  st.bind(1, to_string(status)).bind(2, std::int64_t{status == RunStatus::complete}).bind(3, dropped_records);
  st.bind(4, std::string_view(error)).bind(5, stats.prefill_median_s).bind(6, stats.decode_median_s);
  st.bind(7, stats.decode_p10_s).bind(8, stats.decode_p90_s).bind(9, stats.predicted_prefill_s);
  st.bind(10, stats.predicted_decode_s).bind(11, run).run();
  if (db_.query_int("SELECT changes()") != 1)
    throw StoreError(StoreFault::io, db_.path() + ": run " + std::to_string(run) + " does not exist");
  tx.commit();
}

std::int64_t SqliteStore::add_calibration(CalibrationRow& row, const std::string& hardware_json) {
  Transaction tx(db_);
  std::int64_t hw = hardware_id(row.hardware, hardware_json);
  Statement st(db_,
               "INSERT INTO calibrations (hardware_id, created_at, method, params_json, source_run_id) "
               "VALUES (?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?, ?, ?)");
  st.bind(1, hw).bind(2, std::string_view(row.method)).bind(3, std::string_view(row.params_json));
  st.bind(4, row.source_run).run();
  row.id = db_.last_insert_rowid();
  tx.commit();
  return row.id;
}

}  // namespace looplab::store
