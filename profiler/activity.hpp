// What a tracer captures, as plain structs without CUPTI types: host spans of steps and plan
// ops, and the device activity CUPTI reports (kernels, copies, sets, API calls, syncs, NVTX
// markers, CUPTI's own overhead). Times are integer nanoseconds on the steady clock
// (std::chrono::steady_clock) once a tracer hands them out.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/plan.hpp"

namespace looplab::profiler {

struct StepSpan {
  std::int64_t step = 0;  // 0-based within the capture window
  Phase phase = Phase::decode;
  std::int64_t batch = 1;
  std::int64_t context_len = 0;
  std::int64_t start_ns = 0, end_ns = 0;
};

struct OpSpan {
  std::int64_t step = 0;
  std::uint32_t op_index = 0;  // index in StepPlan::ops
  OpDesc op;
  std::int64_t start_ns = 0, end_ns = 0;  // host time around the backend's run_op
};

// Where a device record belongs in the plan, from its external correlation id.
struct OpRef {
  std::int64_t step = 0;
  std::uint32_t op_index = 0;
  friend bool operator==(const OpRef&, const OpRef&) = default;
};

struct KernelActivity {
  std::int64_t start_ns = 0, end_ns = 0;
  std::uint32_t device_id = 0, context_id = 0, stream_id = 0, correlation_id = 0;
  std::string name;          // demangled when the name demangles
  std::string mangled_name;  // as CUPTI reported it
  std::int32_t grid_x = 0, grid_y = 0, grid_z = 0, block_x = 0, block_y = 0, block_z = 0;
  std::uint16_t registers_per_thread = 0;
  std::int32_t static_shared_memory = 0, dynamic_shared_memory = 0;  // bytes
  std::uint32_t local_memory_per_thread = 0;                         // bytes
  std::uint64_t local_memory_total = 0;                              // bytes
  std::int64_t grid_id = 0;
  std::uint8_t launch_type = 0;
  std::uint8_t cache_config = 0;  // requested (low 4 bits) and executed (high 4 bits)
  std::uint32_t shared_memory_executed = 0;
  std::uint64_t graph_node_id = 0;
  std::uint32_t graph_id = 0;
  std::optional<OpRef> op;  // filled by attribution
};

struct MemcpyActivity {
  std::int64_t start_ns = 0, end_ns = 0;
  std::uint32_t device_id = 0, context_id = 0, stream_id = 0, correlation_id = 0;
  std::uint64_t bytes = 0;
  std::uint8_t copy_kind = 0, src_kind = 0, dst_kind = 0;
  std::optional<OpRef> op;
};

struct MemsetActivity {
  std::int64_t start_ns = 0, end_ns = 0;
  std::uint32_t device_id = 0, context_id = 0, stream_id = 0, correlation_id = 0;
  std::uint64_t bytes = 0;
  std::uint32_t value = 0;
  std::uint16_t memory_kind = 0;
  std::optional<OpRef> op;
};

enum class ApiDomain : std::uint8_t { runtime = 1, driver = 2 };

struct ApiActivity {
  ApiDomain domain = ApiDomain::runtime;
  std::uint32_t cbid = 0;  // CUPTI callback id; the name is resolved by the live tracer
  std::string name;        // "cudaLaunchKernel" once resolved
  std::int64_t start_ns = 0, end_ns = 0;
  std::uint32_t process_id = 0, thread_id = 0, correlation_id = 0;
  std::uint32_t return_value = 0;
};

struct SyncActivity {
  std::uint32_t type = 0;  // CUpti_ActivitySynchronizationType
  std::int64_t start_ns = 0, end_ns = 0;
  std::uint32_t correlation_id = 0, context_id = 0, stream_id = 0, cuda_event_id = 0;
};

struct ExternalCorrelation {
  std::uint32_t external_kind = 0;  // CUpti_ExternalCorrelationKind
  std::uint64_t external_id = 0;
  std::uint32_t correlation_id = 0;
};

// One NVTX marker record; a range arrives as a start and an end record with the same id.
enum class MarkerPhase : std::uint8_t { instant, start, end };
struct MarkerActivity {
  MarkerPhase phase = MarkerPhase::instant;
  std::int64_t timestamp_ns = 0;
  std::uint32_t id = 0;
  std::uint32_t process_id = 0, thread_id = 0;
  std::string name;    // empty on end records
  std::string domain;  // empty for the default domain
};

// A paired NVTX range (or an instant mark, end_ns == start_ns).
struct MarkerRange {
  std::int64_t start_ns = 0, end_ns = 0;
  std::uint32_t id = 0;
  bool instant = false;
  std::string name, domain;
  std::uint32_t process_id = 0, thread_id = 0;
};

struct OverheadActivity {
  std::uint32_t kind = 0;  // CUpti_ActivityOverheadKind
  std::string name;        // "CUPTI buffer flush", ...
  std::int64_t start_ns = 0, end_ns = 0;
  std::uint32_t process_id = 0, thread_id = 0;
};

struct DeviceActivity {
  std::vector<KernelActivity> kernels;
  std::vector<MemcpyActivity> memcpys;
  std::vector<MemsetActivity> memsets;
  std::vector<ApiActivity> api_calls;
  std::vector<SyncActivity> syncs;
  std::vector<ExternalCorrelation> correlations;
  std::vector<MarkerActivity> markers;
  std::vector<OverheadActivity> overheads;
  std::size_t unknown_records = 0;  // kinds we did not enable or do not read
};

// Everything one capture window produced.
struct Capture {
  std::vector<StepSpan> steps;
  std::vector<OpSpan> ops;
  DeviceActivity device;
  std::vector<MarkerRange> nvtx;                 // paired from device.markers
  std::int64_t dropped_records = 0;              // CUPTI records lost in this window
  std::int64_t buffers_allocated_in_window = 0;  // CUPTI buffers the pool had to add while measuring
  // Op attributions lost in this window (count_lost_attributions in attribution.hpp): plan ops
  // whose correlation push failed, plus device records (kernels, copies, sets) launched inside a
  // plan op whose external correlation is missing, or attributed to an op this window never ran.
  // Their time is missing from the per-op device time. Always 0 with the host tracer.
  std::int64_t lost_attributions = 0;
};

}  // namespace looplab::profiler
