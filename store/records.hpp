// Plain value structs the store writes and returns: one per table row (docs/profiler.md has the
// schema). No SQLite, engine or Qt types here, so the GUI and future back ends can use them as is.
// Times are integer nanoseconds from the run's clock origin unless the name says otherwise.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace looplab::store {

using RunId = std::int64_t;

enum class RunStatus : unsigned char {
  running,      // begun, not finished: still going, or its process died (killed, crashed)
  complete,     // every row written; the only status whose runs count as measurements
  interrupted,  // stopped by the user (Ctrl-C); rows so far are kept
  failed,       // stopped by an error (message in RunInfo::error)
};
std::string_view to_string(RunStatus s);
RunStatus parse_run_status(std::string_view s);  // unknown text reads as failed

// One phase's step time over its samples (every (repeat, step) of the phase), as lab/stats.hpp
// defines it. Written when the run finishes; empty before.
struct PhaseStats {
  std::optional<double> median_s;
  std::optional<double> ci_lo_s, ci_hi_s;  // 95% bootstrap interval of the median
  std::optional<double> p10_s, p90_s;
  std::optional<double> unattributed_s;  // median of (step wall time - sum of its ops)
  std::int64_t samples = 0;
  std::int64_t outliers = 0;  // MAD rule
  std::string verdict;        // quiet | noisy | unusable
  friend bool operator==(const PhaseStats&, const PhaseStats&) = default;
};

// Summary figures written when a run finishes (NULL/empty until then).
struct RunStats {
  PhaseStats prefill, decode;
  std::optional<double> predicted_prefill_s;
  std::optional<double> predicted_decode_s;  // mean predicted decode step
  std::string verdict;                       // the run's: the worse phase, at least noisy on a busy machine
  std::string verdict_reason;                // one line: why not quiet ("" when quiet)
  friend bool operator==(const RunStats&, const RunStats&) = default;
};

// The machine around a run: what else ran, how the engine's threads were placed. Recorded so a
// number can be judged later ("measured under load").
struct MachineState {
  std::optional<double> load_before, load_after;  // 1-minute load average
  std::optional<double> others_cpu_s;             // CPU seconds other processes used during the measured window
  std::optional<double> steal_fraction;           // hypervisor steal / all CPU time in the window
  std::optional<double> window_s;                 // wall seconds of the measured window
  std::int64_t cpus_online = 0;
  std::string affinity;       // CPUs the process could run on ("0-1")
  std::string pinning;        // --pin as given; "" when not pinned
  std::string governor;       // cpufreq scaling governor; "" when the machine exposes none
  std::string thread_policy;  // how the engine's thread count was chosen
  friend bool operator==(const MachineState&, const MachineState&) = default;
};

// How many repeats a run measured and why it stopped (adaptive repetition, lab/measure.hpp).
struct RepeatPolicy {
  std::int64_t min_repeats = 1;
  double min_time_s = 0;
  double max_time_s = 0;    // 0: no adaptive repetition, exactly min_repeats
  double target_ci = 0;     // relative half-width of the decode step's 95% interval to reach
  std::string stop_reason;  // why measuring stopped
  friend bool operator==(const RepeatPolicy&, const RepeatPolicy&) = default;
};

// One row of `runs`: everything needed to reproduce, re-predict or merge the run elsewhere.
struct RunInfo {
  RunId id = 0;             // assigned by the store
  std::string created_at;   // ISO 8601 UTC, assigned by the store
  std::string finished_at;  // empty until finished
  RunStatus status = RunStatus::running;
  bool complete = false;  // true only with status complete
  std::string label;      // "run", "demo", or the user's label
  std::string model;      // model config name
  std::string variant;    // vanilla | looped | clp | clp_share | plt
  std::int64_t loops = 1;
  std::string config_json;  // the full ModelConfig as JSON
  std::int64_t batch = 1;
  std::int64_t prompt_len = 0;    // prefill tokens per sequence
  std::int64_t decode_steps = 0;  // measured decode steps per repeat
  std::int64_t warmup = 0;        // warm-up repeats run and not stored
  std::int64_t repeats = 1;       // measured repeats stored
  RepeatPolicy policy;
  std::string backend;         // cpu | cuda
  std::string tracer;          // host | cupti
  std::string hardware;        // hardware spec name used for the prediction ("host", "h200-sxm")
  std::string hardware_json;   // that spec as used
  std::string device_name;     // CPU model or GPU name
  std::string driver_version;  // CUDA driver version, empty on CPU
  std::string cuda_version;    // CUDA runtime version, empty on CPU
  std::string engine_commit;   // git commit of the engine that ran (suffix -dirty if modified)
  std::string branch;          // branch the commit was built from, as the job said (`gate run --branch`); "" unknown
  std::string host;            // host name
  std::int64_t pid = 0;
  std::int64_t seed = 0;               // weight init seed
  std::int64_t threads = 0;            // CPU threads the engine used
  std::int64_t dropped_records = 0;    // CUPTI records lost (0 with the host tracer)
  std::int64_t lost_attributions = 0;  // device records whose plan op could not be found
  // KV cache bytes the backend allocated for the run's session, exactly; empty for runs stored
  // before schema 4 and for imported benchmark results.
  std::optional<std::int64_t> kv_bytes;
  std::string error;  // why a run is failed or interrupted
  MachineState machine;
  RunStats stats;
  friend bool operator==(const RunInfo&, const RunInfo&) = default;
};

// One executed step (prefill or decode) of one repeat.
struct StepRow {
  std::int64_t repeat_index = 0;
  std::int64_t step_index = 0;  // 0 = prefill, 1.. = decode steps
  std::string phase;            // prefill | decode
  std::int64_t batch = 1;
  std::int64_t context_len = 0;  // prompt length (prefill) or keys visible to the new token
  std::int64_t start_ns = 0, end_ns = 0;
  // Step wall time minus the measured time of its ops: barrier stalls, scheduling and launch
  // gaps, the session's own work between ops. Negative when device ops overlap.
  std::int64_t unattributed_ns = 0;
  friend bool operator==(const StepRow&, const StepRow&) = default;
};

// One executed plan op: host span, plus the kernel time attributed to it on a GPU.
struct OpRow {
  std::int64_t repeat_index = 0;
  std::int64_t step_index = 0;
  std::int64_t op_index = 0;  // index in StepPlan::ops
  std::string name;           // "layer3.loop2.attn_global"
  std::string kind;           // OpKind name ("attn_global")
  std::int64_t layer = -1, loop_lo = 1, loop_hi = 1, pass = 0;
  std::int64_t rows = 0, n = 0, k = 0, kv_len = 0;  // OpDesc shape (M, N, K, keys)
  std::int64_t start_ns = 0, end_ns = 0;            // host span
  std::optional<std::int64_t> device_ns;            // summed kernel time (GPU runs)
  std::int64_t kernels = 0;                         // kernels attributed to the op
  std::int64_t host_ns() const { return end_ns - start_ns; }
  // What "measured" means for this op: device time on a GPU, the host span on a CPU.
  std::int64_t measured_ns() const { return device_ns ? *device_ns : host_ns(); }
  friend bool operator==(const OpRow&, const OpRow&) = default;
};

// The simulator's prediction for one op of one step (the same for every repeat).
struct PredictionRow {
  std::int64_t step_index = 0;
  std::int64_t op_index = 0;
  std::string name;
  std::string kind;
  double time_s = 0;
  double flops = 0;
  double bytes = 0;
  std::string bound;  // what limits the op: "compute", "memory", "launch", ...
  friend bool operator==(const PredictionRow&, const PredictionRow&) = default;
};

// CUPTI_ACTIVITY_KIND_KERNEL (Nsight Systems column names) plus its plan-op attribution.
struct KernelRow {
  std::int64_t start = 0, end = 0;  // ns
  std::int64_t device_id = 0, context_id = 0, stream_id = 0;
  std::int64_t correlation_id = 0;
  std::string name;  // demangled when possible
  std::string short_name;
  std::string mangled_name;
  std::int64_t grid_x = 0, grid_y = 0, grid_z = 0, block_x = 0, block_y = 0, block_z = 0;
  std::int64_t registers_per_thread = 0;
  std::int64_t static_shared_memory = 0, dynamic_shared_memory = 0;  // bytes
  std::int64_t local_memory_per_thread = 0, local_memory_total = 0;  // bytes
  std::int64_t grid_id = 0;
  std::int64_t launch_type = 0;
  std::int64_t graph_node_id = 0, graph_id = 0;
  std::int64_t cache_config = 0;
  std::int64_t shared_memory_executed = 0;  // bytes
  // Attribution (NULL when the kernel ran outside any plan op).
  std::optional<std::int64_t> repeat_index, step_index, op_index;
  friend bool operator==(const KernelRow&, const KernelRow&) = default;
};

// CUPTI_ACTIVITY_KIND_RUNTIME: one CUDA runtime or driver API call.
struct ApiCallRow {
  std::int64_t start = 0, end = 0;
  std::int64_t event_class = 0;  // 1 = runtime, 2 = driver (ours; nsys uses its own enum)
  std::int64_t global_tid = 0;   // pid * 0x1000000 + tid, as Nsight Systems serializes it
  std::int64_t correlation_id = 0;
  std::string name;  // "cudaLaunchKernel" or "cbid 211" when unknown
  std::int64_t return_value = 0;
  std::optional<std::int64_t> repeat_index;  // the repeat whose window recorded it
  friend bool operator==(const ApiCallRow&, const ApiCallRow&) = default;
};

// CUPTI_ACTIVITY_KIND_MEMCPY / _MEMSET.
struct MemcpyRow {
  std::int64_t start = 0, end = 0, device_id = 0, context_id = 0, stream_id = 0, correlation_id = 0;
  std::int64_t bytes = 0, copy_kind = 0, src_kind = 0, dst_kind = 0;
  std::optional<std::int64_t> repeat_index;
  friend bool operator==(const MemcpyRow&, const MemcpyRow&) = default;
};
struct MemsetRow {
  std::int64_t start = 0, end = 0, device_id = 0, context_id = 0, stream_id = 0, correlation_id = 0;
  std::int64_t bytes = 0, value = 0, mem_kind = 0;
  std::optional<std::int64_t> repeat_index;
  friend bool operator==(const MemsetRow&, const MemsetRow&) = default;
};
// CUPTI_ACTIVITY_KIND_SYNCHRONIZATION.
struct SyncRow {
  std::int64_t start = 0, end = 0, context_id = 0, stream_id = 0, correlation_id = 0;
  std::int64_t sync_type = 0, event_id = 0;
  std::optional<std::int64_t> repeat_index;
  friend bool operator==(const SyncRow&, const SyncRow&) = default;
};
// NVTX_EVENTS: ranges (eventType 59 push/pop, 60 start/end) and marks (34).
struct NvtxRow {
  std::int64_t start = 0;
  std::optional<std::int64_t> end;
  std::int64_t event_type = 59;
  std::int64_t range_id = 0;
  std::string text;
  std::string domain;
  std::int64_t global_tid = 0;
  std::optional<std::int64_t> repeat_index;
  friend bool operator==(const NvtxRow&, const NvtxRow&) = default;
};
// PROFILER_OVERHEAD: time CUPTI spent on its own bookkeeping.
struct OverheadRow {
  std::int64_t start = 0, end = 0;
  std::string name;  // overhead kind ("CUPTI buffer flush", ...)
  std::int64_t global_tid = 0;
  std::optional<std::int64_t> repeat_index;
  friend bool operator==(const OverheadRow&, const OverheadRow&) = default;
};

// All rows of one batch written together (one transaction) or read back for one run.
struct RunRows {
  std::vector<StepRow> steps;
  std::vector<OpRow> ops;
  std::vector<PredictionRow> predictions;
  std::vector<KernelRow> kernels;
  std::vector<ApiCallRow> api_calls;
  std::vector<MemcpyRow> memcpys;
  std::vector<MemsetRow> memsets;
  std::vector<SyncRow> syncs;
  std::vector<NvtxRow> nvtx;
  std::vector<OverheadRow> overheads;
  bool empty() const {
    return steps.empty() && ops.empty() && predictions.empty() && kernels.empty() && api_calls.empty() &&
           memcpys.empty() && memsets.empty() && syncs.empty() && nvtx.empty() && overheads.empty();
  }
};

// `hardware`: a spec as used by a prediction or a calibration.
struct HardwareRow {
  std::int64_t id = 0;
  std::string name;
  std::string spec_json;
  std::string created_at;
  std::string machine;       // measured specs: the machine they were measured on (host, CPU, threads)
  std::string quality;       // measured specs: quiet | noisy | unusable; "" for datasheet copies
  std::string quality_note;  // why, in one line
  friend bool operator==(const HardwareRow&, const HardwareRow&) = default;
};

// `calibrations`: fitted simulator parameters for one hardware spec.
struct CalibrationRow {
  std::int64_t id = 0;
  std::string hardware;  // hardware spec name
  std::string created_at;
  std::string method;       // how it was fitted ("calibrate-host", "fit from runs 3,4")
  std::string params_json;  // the fitted parameters
  std::optional<RunId> source_run;
  friend bool operator==(const CalibrationRow&, const CalibrationRow&) = default;
};

// A stored sweep (`looplab sweep --db`): its spec and provenance; `points` rows in sweep_points.
struct SweepInfo {
  std::int64_t id = 0;
  std::string name;        // the spec's name, or its file name
  std::string created_at;  // filled by the store
  std::string engine_commit;
  std::string spec_json;    // the spec as read
  std::int64_t points = 0;  // filled by the store from the rows written
  friend bool operator==(const SweepInfo&, const SweepInfo&) = default;
};

// One predicted configuration of a sweep.
struct SweepPointRow {
  std::string hardware, model, variant;
  std::int64_t loops = 1, window = 0, batch = 1, context_len = 1;
  std::string dtype;
  bool calibrated = false;
  double decode_step_s = 0;           // predicted decode step time
  double decode_flops_per_token = 0;  // the sweep's compute objective
  std::int64_t kv_bytes = 0, weight_bytes = 0, memory_total_bytes = 0;
  bool fits = true;  // false: out of memory on the hardware
  bool pareto = false;
  bool feasible = true;  // meets the spec's constraints (schema 4; older sweeps: fits)
  bool best = false;     // the spec's objective's best feasible point (schema 4)
  friend bool operator==(const SweepPointRow&, const SweepPointRow&) = default;
};

}  // namespace looplab::store
