// Every table of the store, described once (store/table.hpp generates its SQL from this). Tables
// whose data is what Nsight Systems exports keep its names (StringIds, CUPTI_ACTIVITY_KIND_*,
// NVTX_EVENTS, correlationId) plus runId and the plan-op attribution, so nsys SQL recipes run on
// our data. docs/profiler.md documents the columns.
#pragma once
#include "store/records.hpp"
#include "store/table.hpp"

// An accessor to a (possibly nested) member: `r.stats.decode.median_s`.
#define LOOPLAB_FIELD(path) \
  [](auto& r) -> auto& { return r.path; }

namespace looplab::store::tables {

using namespace table;

inline constexpr std::string_view kNow = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
inline constexpr std::string_view kStringIds =
    "CREATE TABLE StringIds (id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE);\n";

// ---- hardware ----
inline constexpr auto kHardware = make_table<HardwareRow>(
    "hardware", std::span<const Extra>{}, "UNIQUE (name, spec_json)", "", "",
    column<HardwareRow>("id", LOOPLAB_FIELD(id), kAssigned), column<HardwareRow>("name", LOOPLAB_FIELD(name)),
    column<HardwareRow>("spec_json", LOOPLAB_FIELD(spec_json)),
    computed<HardwareRow>("created_at", LOOPLAB_FIELD(created_at), kNow),
    column<HardwareRow>("machine", LOOPLAB_FIELD(machine)), column<HardwareRow>("quality", LOOPLAB_FIELD(quality)),
    column<HardwareRow>("quality_note", LOOPLAB_FIELD(quality_note)));

// ---- runs ----
inline constexpr Extra kRunExtras[] = {{"hardware_id", "INTEGER REFERENCES hardware (id)"}};
inline constexpr auto kRuns = make_table<RunInfo>(
    "runs", kRunExtras, "", "", "", column<RunInfo>("id", LOOPLAB_FIELD(id), kAssigned),
    computed<RunInfo>("created_at", LOOPLAB_FIELD(created_at), kNow),
    computed<RunInfo>("finished_at", LOOPLAB_FIELD(finished_at), kNow, kFinishOnly),
    column<RunInfo>("status", LOOPLAB_FIELD(status), kFinish,
                    "CHECK (status IN ('running', 'complete', 'interrupted', 'failed'))"),
    column<RunInfo>("complete", LOOPLAB_FIELD(complete), kFinish, "DEFAULT 0 CHECK (complete = (status = 'complete'))"),
    column<RunInfo>("label", LOOPLAB_FIELD(label)), column<RunInfo>("model", LOOPLAB_FIELD(model)),
    column<RunInfo>("variant", LOOPLAB_FIELD(variant)), column<RunInfo>("loops", LOOPLAB_FIELD(loops)),
    column<RunInfo>("config_json", LOOPLAB_FIELD(config_json)), column<RunInfo>("batch", LOOPLAB_FIELD(batch)),
    column<RunInfo>("prompt_len", LOOPLAB_FIELD(prompt_len)),
    column<RunInfo>("decode_steps", LOOPLAB_FIELD(decode_steps)), column<RunInfo>("warmup", LOOPLAB_FIELD(warmup)),
    column<RunInfo>("repeats", LOOPLAB_FIELD(repeats), kFinish),
    column<RunInfo>("min_repeats", LOOPLAB_FIELD(policy.min_repeats)),
    column<RunInfo>("min_time_s", LOOPLAB_FIELD(policy.min_time_s)),
    column<RunInfo>("max_time_s", LOOPLAB_FIELD(policy.max_time_s)),
    column<RunInfo>("target_ci", LOOPLAB_FIELD(policy.target_ci)),
    column<RunInfo>("stop_reason", LOOPLAB_FIELD(policy.stop_reason), kFinish),
    column<RunInfo>("backend", LOOPLAB_FIELD(backend)), column<RunInfo>("tracer", LOOPLAB_FIELD(tracer)),
    derived<RunInfo>("hardware", LOOPLAB_FIELD(hardware),
                     "SELECT name FROM hardware WHERE hardware.id = runs.hardware_id"),
    derived<RunInfo>("hardware_json", LOOPLAB_FIELD(hardware_json),
                     "SELECT spec_json FROM hardware WHERE hardware.id = runs.hardware_id"),
    column<RunInfo>("device_name", LOOPLAB_FIELD(device_name)),
    column<RunInfo>("driver_version", LOOPLAB_FIELD(driver_version)),
    column<RunInfo>("cuda_version", LOOPLAB_FIELD(cuda_version)),
    column<RunInfo>("engine_commit", LOOPLAB_FIELD(engine_commit)), column<RunInfo>("host", LOOPLAB_FIELD(host)),
    column<RunInfo>("pid", LOOPLAB_FIELD(pid)), column<RunInfo>("seed", LOOPLAB_FIELD(seed)),
    column<RunInfo>("threads", LOOPLAB_FIELD(threads)),
    column<RunInfo>("dropped_records", LOOPLAB_FIELD(dropped_records), kFinish, "DEFAULT 0"),
    column<RunInfo>("lost_attributions", LOOPLAB_FIELD(lost_attributions), kFinish, "DEFAULT 0"),
    column<RunInfo>("error", LOOPLAB_FIELD(error), kFinish, "DEFAULT ''"),
    column<RunInfo>("load_before", LOOPLAB_FIELD(machine.load_before)),
    column<RunInfo>("load_after", LOOPLAB_FIELD(machine.load_after), kFinish),
    column<RunInfo>("others_cpu_s", LOOPLAB_FIELD(machine.others_cpu_s), kFinish),
    column<RunInfo>("steal_fraction", LOOPLAB_FIELD(machine.steal_fraction), kFinish),
    column<RunInfo>("window_s", LOOPLAB_FIELD(machine.window_s), kFinish),
    column<RunInfo>("cpus_online", LOOPLAB_FIELD(machine.cpus_online)),
    column<RunInfo>("affinity", LOOPLAB_FIELD(machine.affinity)),
    column<RunInfo>("pinning", LOOPLAB_FIELD(machine.pinning)),
    column<RunInfo>("governor", LOOPLAB_FIELD(machine.governor)),
    column<RunInfo>("thread_policy", LOOPLAB_FIELD(machine.thread_policy)),
    column<RunInfo>("prefill_median_s", LOOPLAB_FIELD(stats.prefill.median_s), kFinish),
    column<RunInfo>("prefill_ci_lo_s", LOOPLAB_FIELD(stats.prefill.ci_lo_s), kFinish),
    column<RunInfo>("prefill_ci_hi_s", LOOPLAB_FIELD(stats.prefill.ci_hi_s), kFinish),
    column<RunInfo>("prefill_p10_s", LOOPLAB_FIELD(stats.prefill.p10_s), kFinish),
    column<RunInfo>("prefill_p90_s", LOOPLAB_FIELD(stats.prefill.p90_s), kFinish),
    column<RunInfo>("prefill_unattributed_s", LOOPLAB_FIELD(stats.prefill.unattributed_s), kFinish),
    column<RunInfo>("prefill_samples", LOOPLAB_FIELD(stats.prefill.samples), kFinish),
    column<RunInfo>("prefill_outliers", LOOPLAB_FIELD(stats.prefill.outliers), kFinish),
    column<RunInfo>("prefill_verdict", LOOPLAB_FIELD(stats.prefill.verdict), kFinish),
    column<RunInfo>("decode_median_s", LOOPLAB_FIELD(stats.decode.median_s), kFinish),
    column<RunInfo>("decode_ci_lo_s", LOOPLAB_FIELD(stats.decode.ci_lo_s), kFinish),
    column<RunInfo>("decode_ci_hi_s", LOOPLAB_FIELD(stats.decode.ci_hi_s), kFinish),
    column<RunInfo>("decode_p10_s", LOOPLAB_FIELD(stats.decode.p10_s), kFinish),
    column<RunInfo>("decode_p90_s", LOOPLAB_FIELD(stats.decode.p90_s), kFinish),
    column<RunInfo>("decode_unattributed_s", LOOPLAB_FIELD(stats.decode.unattributed_s), kFinish),
    column<RunInfo>("decode_samples", LOOPLAB_FIELD(stats.decode.samples), kFinish),
    column<RunInfo>("decode_outliers", LOOPLAB_FIELD(stats.decode.outliers), kFinish),
    column<RunInfo>("decode_verdict", LOOPLAB_FIELD(stats.decode.verdict), kFinish),
    column<RunInfo>("predicted_prefill_s", LOOPLAB_FIELD(stats.predicted_prefill_s), kFinish),
    column<RunInfo>("predicted_decode_s", LOOPLAB_FIELD(stats.predicted_decode_s), kFinish),
    column<RunInfo>("verdict", LOOPLAB_FIELD(stats.verdict), kFinish),
    column<RunInfo>("verdict_reason", LOOPLAB_FIELD(stats.verdict_reason), kFinish),
    column<RunInfo>("branch", LOOPLAB_FIELD(branch)), column<RunInfo>("kv_bytes", LOOPLAB_FIELD(kv_bytes)));

// ---- a run's rows ----
inline constexpr Extra kRunKey[] = {{"run_id", "INTEGER NOT NULL REFERENCES runs (id)"}};

inline constexpr auto kSteps = make_table<StepRow>(
    "steps", kRunKey, "PRIMARY KEY (run_id, repeat_index, step_index)", "WITHOUT ROWID", "",
    column<StepRow>("repeat_index", LOOPLAB_FIELD(repeat_index)),
    column<StepRow>("step_index", LOOPLAB_FIELD(step_index)), column<StepRow>("phase", LOOPLAB_FIELD(phase)),
    column<StepRow>("batch", LOOPLAB_FIELD(batch)), column<StepRow>("context_len", LOOPLAB_FIELD(context_len)),
    column<StepRow>("start_ns", LOOPLAB_FIELD(start_ns)), column<StepRow>("end_ns", LOOPLAB_FIELD(end_ns)),
    column<StepRow>("unattributed_ns", LOOPLAB_FIELD(unattributed_ns)));

inline constexpr auto kOps = make_table<OpRow>(
    "op_measurements", kRunKey, "PRIMARY KEY (run_id, repeat_index, step_index, op_index)", "WITHOUT ROWID", "",
    column<OpRow>("repeat_index", LOOPLAB_FIELD(repeat_index)), column<OpRow>("step_index", LOOPLAB_FIELD(step_index)),
    column<OpRow>("op_index", LOOPLAB_FIELD(op_index)), column<OpRow>("name_id", LOOPLAB_FIELD(name), kInterned),
    column<OpRow>("kind", LOOPLAB_FIELD(kind)), column<OpRow>("layer", LOOPLAB_FIELD(layer)),
    column<OpRow>("loop_lo", LOOPLAB_FIELD(loop_lo)), column<OpRow>("loop_hi", LOOPLAB_FIELD(loop_hi)),
    column<OpRow>("pass", LOOPLAB_FIELD(pass)), column<OpRow>("rows", LOOPLAB_FIELD(rows)),
    column<OpRow>("n", LOOPLAB_FIELD(n)), column<OpRow>("k", LOOPLAB_FIELD(k)),
    column<OpRow>("kv_len", LOOPLAB_FIELD(kv_len)), column<OpRow>("start_ns", LOOPLAB_FIELD(start_ns)),
    column<OpRow>("end_ns", LOOPLAB_FIELD(end_ns)), column<OpRow>("device_ns", LOOPLAB_FIELD(device_ns)),
    column<OpRow>("kernels", LOOPLAB_FIELD(kernels), kNone, "DEFAULT 0"));

inline constexpr auto kPredictions = make_table<PredictionRow>(
    "predictions", kRunKey, "PRIMARY KEY (run_id, step_index, op_index)", "WITHOUT ROWID", "",
    column<PredictionRow>("step_index", LOOPLAB_FIELD(step_index)),
    column<PredictionRow>("op_index", LOOPLAB_FIELD(op_index)),
    column<PredictionRow>("name_id", LOOPLAB_FIELD(name), kInterned),
    column<PredictionRow>("kind", LOOPLAB_FIELD(kind)), column<PredictionRow>("time_s", LOOPLAB_FIELD(time_s)),
    column<PredictionRow>("flops", LOOPLAB_FIELD(flops)), column<PredictionRow>("bytes", LOOPLAB_FIELD(bytes)),
    column<PredictionRow>("bound", LOOPLAB_FIELD(bound)));

// ---- calibrations ----
inline constexpr Extra kCalibrationExtras[] = {{"hardware_id", "INTEGER NOT NULL REFERENCES hardware (id)"}};
inline constexpr auto kCalibrations = make_table<CalibrationRow>(
    "calibrations", kCalibrationExtras, "", "", "", column<CalibrationRow>("id", LOOPLAB_FIELD(id), kAssigned),
    derived<CalibrationRow>("hardware", LOOPLAB_FIELD(hardware),
                            "SELECT name FROM hardware WHERE hardware.id = calibrations.hardware_id"),
    computed<CalibrationRow>("created_at", LOOPLAB_FIELD(created_at), kNow),
    column<CalibrationRow>("method", LOOPLAB_FIELD(method)),
    column<CalibrationRow>("params_json", LOOPLAB_FIELD(params_json)),
    column<CalibrationRow>("source_run_id", LOOPLAB_FIELD(source_run), kNone, "REFERENCES runs (id)"));

// ---- Nsight Systems tables ----
inline constexpr Extra kKernelExtras[] = {{"runId", "INTEGER NOT NULL REFERENCES runs (id)"},
                                          {"globalPid", "INTEGER", false}};
inline constexpr auto kKernels = make_table<KernelRow>(
    "CUPTI_ACTIVITY_KIND_KERNEL", kKernelExtras, "", "",
    "CREATE INDEX kernel_by_run ON CUPTI_ACTIVITY_KIND_KERNEL (runId, start);",
    column<KernelRow>("start", LOOPLAB_FIELD(start)), column<KernelRow>("end", LOOPLAB_FIELD(end)),
    column<KernelRow>("deviceId", LOOPLAB_FIELD(device_id)), column<KernelRow>("contextId", LOOPLAB_FIELD(context_id)),
    column<KernelRow>("streamId", LOOPLAB_FIELD(stream_id)),
    column<KernelRow>("correlationId", LOOPLAB_FIELD(correlation_id), kNullable),
    column<KernelRow>("demangledName", LOOPLAB_FIELD(name), kInterned),
    column<KernelRow>("shortName", LOOPLAB_FIELD(short_name), kInterned),
    column<KernelRow>("mangledName", LOOPLAB_FIELD(mangled_name), kInterned | kNullable),
    column<KernelRow>("launchType", LOOPLAB_FIELD(launch_type), kNullable),
    column<KernelRow>("cacheConfig", LOOPLAB_FIELD(cache_config), kNullable),
    column<KernelRow>("registersPerThread", LOOPLAB_FIELD(registers_per_thread)),
    column<KernelRow>("gridX", LOOPLAB_FIELD(grid_x)), column<KernelRow>("gridY", LOOPLAB_FIELD(grid_y)),
    column<KernelRow>("gridZ", LOOPLAB_FIELD(grid_z)), column<KernelRow>("blockX", LOOPLAB_FIELD(block_x)),
    column<KernelRow>("blockY", LOOPLAB_FIELD(block_y)), column<KernelRow>("blockZ", LOOPLAB_FIELD(block_z)),
    column<KernelRow>("staticSharedMemory", LOOPLAB_FIELD(static_shared_memory)),
    column<KernelRow>("dynamicSharedMemory", LOOPLAB_FIELD(dynamic_shared_memory)),
    column<KernelRow>("localMemoryPerThread", LOOPLAB_FIELD(local_memory_per_thread)),
    column<KernelRow>("localMemoryTotal", LOOPLAB_FIELD(local_memory_total)),
    column<KernelRow>("gridId", LOOPLAB_FIELD(grid_id)),
    column<KernelRow>("sharedMemoryExecuted", LOOPLAB_FIELD(shared_memory_executed), kNullable),
    column<KernelRow>("graphNodeId", LOOPLAB_FIELD(graph_node_id), kNullable),
    column<KernelRow>("graphId", LOOPLAB_FIELD(graph_id), kNullable),
    column<KernelRow>("repeatIndex", LOOPLAB_FIELD(repeat_index)),
    column<KernelRow>("stepIndex", LOOPLAB_FIELD(step_index)), column<KernelRow>("opIndex", LOOPLAB_FIELD(op_index)));

inline constexpr Extra kRuntimeExtras[] = {{"runId", "INTEGER NOT NULL REFERENCES runs (id)"},
                                           {"callchainId", "INTEGER", false}};
inline constexpr auto kApiCalls = make_table<ApiCallRow>(
    "CUPTI_ACTIVITY_KIND_RUNTIME", kRuntimeExtras, "", "",
    "CREATE INDEX runtime_by_run ON CUPTI_ACTIVITY_KIND_RUNTIME (runId, start);",
    column<ApiCallRow>("start", LOOPLAB_FIELD(start)), column<ApiCallRow>("end", LOOPLAB_FIELD(end)),
    column<ApiCallRow>("eventClass", LOOPLAB_FIELD(event_class)),
    column<ApiCallRow>("globalTid", LOOPLAB_FIELD(global_tid), kNullable),
    column<ApiCallRow>("correlationId", LOOPLAB_FIELD(correlation_id), kNullable),
    column<ApiCallRow>("nameId", LOOPLAB_FIELD(name), kInterned),
    column<ApiCallRow>("returnValue", LOOPLAB_FIELD(return_value)),
    column<ApiCallRow>("repeatIndex", LOOPLAB_FIELD(repeat_index)));

inline constexpr Extra kPidExtras[] = {{"runId", "INTEGER NOT NULL REFERENCES runs (id)"},
                                       {"globalPid", "INTEGER", false}};
inline constexpr auto kMemcpys = make_table<MemcpyRow>(
    "CUPTI_ACTIVITY_KIND_MEMCPY", kPidExtras, "", "", "", column<MemcpyRow>("start", LOOPLAB_FIELD(start)),
    column<MemcpyRow>("end", LOOPLAB_FIELD(end)), column<MemcpyRow>("deviceId", LOOPLAB_FIELD(device_id)),
    column<MemcpyRow>("contextId", LOOPLAB_FIELD(context_id)), column<MemcpyRow>("streamId", LOOPLAB_FIELD(stream_id)),
    column<MemcpyRow>("correlationId", LOOPLAB_FIELD(correlation_id), kNullable),
    column<MemcpyRow>("bytes", LOOPLAB_FIELD(bytes)), column<MemcpyRow>("copyKind", LOOPLAB_FIELD(copy_kind)),
    column<MemcpyRow>("srcKind", LOOPLAB_FIELD(src_kind), kNullable),
    column<MemcpyRow>("dstKind", LOOPLAB_FIELD(dst_kind), kNullable),
    column<MemcpyRow>("repeatIndex", LOOPLAB_FIELD(repeat_index)));

inline constexpr auto kMemsets = make_table<MemsetRow>(
    "CUPTI_ACTIVITY_KIND_MEMSET", kPidExtras, "", "", "", column<MemsetRow>("start", LOOPLAB_FIELD(start)),
    column<MemsetRow>("end", LOOPLAB_FIELD(end)), column<MemsetRow>("deviceId", LOOPLAB_FIELD(device_id)),
    column<MemsetRow>("contextId", LOOPLAB_FIELD(context_id)), column<MemsetRow>("streamId", LOOPLAB_FIELD(stream_id)),
    column<MemsetRow>("correlationId", LOOPLAB_FIELD(correlation_id), kNullable),
    column<MemsetRow>("value", LOOPLAB_FIELD(value)), column<MemsetRow>("bytes", LOOPLAB_FIELD(bytes)),
    column<MemsetRow>("memKind", LOOPLAB_FIELD(mem_kind), kNullable),
    column<MemsetRow>("repeatIndex", LOOPLAB_FIELD(repeat_index)));

inline constexpr Extra kSyncExtras[] = {{"runId", "INTEGER NOT NULL REFERENCES runs (id)"},
                                        {"deviceId", "INTEGER", false},
                                        {"globalPid", "INTEGER", false}};
inline constexpr auto kSyncs = make_table<SyncRow>(
    "CUPTI_ACTIVITY_KIND_SYNCHRONIZATION", kSyncExtras, "", "", "", column<SyncRow>("start", LOOPLAB_FIELD(start)),
    column<SyncRow>("end", LOOPLAB_FIELD(end)), column<SyncRow>("contextId", LOOPLAB_FIELD(context_id)),
    column<SyncRow>("streamId", LOOPLAB_FIELD(stream_id)),
    column<SyncRow>("correlationId", LOOPLAB_FIELD(correlation_id), kNullable),
    column<SyncRow>("syncType", LOOPLAB_FIELD(sync_type)), column<SyncRow>("eventId", LOOPLAB_FIELD(event_id)),
    column<SyncRow>("repeatIndex", LOOPLAB_FIELD(repeat_index)));

inline constexpr Extra kNvtxExtras[] = {{"runId", "INTEGER NOT NULL REFERENCES runs (id)"},
                                        {"category", "INTEGER", false},
                                        {"color", "INTEGER", false},
                                        {"endGlobalTid", "INTEGER", false}};
inline constexpr auto kNvtx = make_table<NvtxRow>(
    "NVTX_EVENTS", kNvtxExtras, "", "", "", column<NvtxRow>("start", LOOPLAB_FIELD(start)),
    column<NvtxRow>("end", LOOPLAB_FIELD(end)), column<NvtxRow>("eventType", LOOPLAB_FIELD(event_type)),
    column<NvtxRow>("rangeId", LOOPLAB_FIELD(range_id), kNullable),
    column<NvtxRow>("text", LOOPLAB_FIELD(text), kNullable),
    column<NvtxRow>("globalTid", LOOPLAB_FIELD(global_tid), kNullable),
    column<NvtxRow>("textId", LOOPLAB_FIELD(text), kInterned | kNullable | kWriteOnly),
    column<NvtxRow>("domainId", LOOPLAB_FIELD(domain), kInterned | kNullable),
    column<NvtxRow>("repeatIndex", LOOPLAB_FIELD(repeat_index)));

inline constexpr Extra kNsightRunKey[] = {{"runId", "INTEGER NOT NULL REFERENCES runs (id)"}};
inline constexpr auto kOverheads = make_table<OverheadRow>(
    "PROFILER_OVERHEAD", kNsightRunKey, "", "", "", column<OverheadRow>("start", LOOPLAB_FIELD(start)),
    column<OverheadRow>("end", LOOPLAB_FIELD(end)),
    column<OverheadRow>("globalTid", LOOPLAB_FIELD(global_tid), kNullable),
    column<OverheadRow>("nameId", LOOPLAB_FIELD(name), kInterned),
    column<OverheadRow>("repeatIndex", LOOPLAB_FIELD(repeat_index)));

// ---- sweeps ----
inline constexpr auto kSweeps = make_table<SweepInfo>(
    "sweeps", std::span<const Extra>{}, "", "", "", column<SweepInfo>("id", LOOPLAB_FIELD(id), kAssigned),
    column<SweepInfo>("name", LOOPLAB_FIELD(name)), computed<SweepInfo>("created_at", LOOPLAB_FIELD(created_at), kNow),
    column<SweepInfo>("engine_commit", LOOPLAB_FIELD(engine_commit)),
    column<SweepInfo>("spec_json", LOOPLAB_FIELD(spec_json)), column<SweepInfo>("points", LOOPLAB_FIELD(points)));

inline constexpr Extra kSweepPointKey[] = {{"sweep_id", "INTEGER NOT NULL REFERENCES sweeps (id)"},
                                           {"point_index", "INTEGER NOT NULL"}};
inline constexpr auto kSweepPoints = make_table<SweepPointRow>(
    "sweep_points", kSweepPointKey, "PRIMARY KEY (sweep_id, point_index)", "WITHOUT ROWID", "",
    column<SweepPointRow>("hardware", LOOPLAB_FIELD(hardware)), column<SweepPointRow>("model", LOOPLAB_FIELD(model)),
    column<SweepPointRow>("variant", LOOPLAB_FIELD(variant)), column<SweepPointRow>("loops", LOOPLAB_FIELD(loops)),
    column<SweepPointRow>("window_len", LOOPLAB_FIELD(window)), column<SweepPointRow>("batch", LOOPLAB_FIELD(batch)),
    column<SweepPointRow>("context_len", LOOPLAB_FIELD(context_len)),
    column<SweepPointRow>("dtype", LOOPLAB_FIELD(dtype)),
    column<SweepPointRow>("calibrated", LOOPLAB_FIELD(calibrated)),
    column<SweepPointRow>("decode_step_s", LOOPLAB_FIELD(decode_step_s)),
    column<SweepPointRow>("decode_flops_per_token", LOOPLAB_FIELD(decode_flops_per_token)),
    column<SweepPointRow>("kv_bytes", LOOPLAB_FIELD(kv_bytes)),
    column<SweepPointRow>("weight_bytes", LOOPLAB_FIELD(weight_bytes)),
    column<SweepPointRow>("memory_total_bytes", LOOPLAB_FIELD(memory_total_bytes)),
    column<SweepPointRow>("fits", LOOPLAB_FIELD(fits)), column<SweepPointRow>("pareto", LOOPLAB_FIELD(pareto)),
    column<SweepPointRow>("feasible", LOOPLAB_FIELD(feasible), kNone, "DEFAULT 1"),
    column<SweepPointRow>("best", LOOPLAB_FIELD(best)));

// Calls f(table) for every described table, in creation order (referenced tables first).
template <class F>
void for_each_table(F&& f) {
  f(kHardware);
  f(kRuns);
  f(kSteps);
  f(kOps);
  f(kPredictions);
  f(kCalibrations);
  f(kKernels);
  f(kApiCalls);
  f(kMemcpys);
  f(kMemsets);
  f(kSyncs);
  f(kNvtx);
  f(kOverheads);
  f(kSweeps);
  f(kSweepPoints);
}

}  // namespace looplab::store::tables
