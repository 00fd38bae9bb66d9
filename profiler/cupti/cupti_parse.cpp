// Record-by-record copies of CUPTI activity records into activity.hpp structs. The record
// versions are the ones CUDA 13's CUPTI emits (CUpti_ActivityKernel10, Memcpy6, Memset4, API,
// Synchronization2, ExternalCorrelation, Marker2, Overhead3).
#include "profiler/cupti/cupti_parse.hpp"

#include "profiler/kernel_names.hpp"

namespace looplab::profiler {

namespace {

std::int64_t ns(std::uint64_t t) { return static_cast<std::int64_t>(t); }
std::string str(const char* s) { return s ? std::string(s) : std::string(); }

void parse_kernel(const CUpti_ActivityKernel10& r, DeviceActivity& out) {
  KernelActivity k;
  k.start_ns = ns(r.start);
  k.end_ns = ns(r.end);
  k.device_id = r.deviceId;
  k.context_id = r.contextId;
  k.stream_id = r.streamId;
  k.correlation_id = r.correlationId;
  k.mangled_name = str(r.name);
  k.name = demangle(r.name);
  k.grid_x = r.gridX;
  k.grid_y = r.gridY;
  k.grid_z = r.gridZ;
  k.block_x = r.blockX;
  k.block_y = r.blockY;
  k.block_z = r.blockZ;
  k.registers_per_thread = r.registersPerThread;
  k.static_shared_memory = r.staticSharedMemory;
  k.dynamic_shared_memory = r.dynamicSharedMemory;
  k.local_memory_per_thread = r.localMemoryPerThread;
  k.local_memory_total = r.localMemoryTotal_v2 ? r.localMemoryTotal_v2 : r.localMemoryTotal;
  k.grid_id = r.gridId;
  k.launch_type = r.launchType;
  k.cache_config = r.cacheConfig.both;
  k.shared_memory_executed = r.sharedMemoryExecuted;
  k.graph_node_id = r.graphNodeId;
  k.graph_id = r.graphId;
  out.kernels.push_back(std::move(k));
}

void parse_memcpy(const CUpti_ActivityMemcpy6& r, DeviceActivity& out) {
  MemcpyActivity m;
  m.start_ns = ns(r.start);
  m.end_ns = ns(r.end);
  m.device_id = r.deviceId;
  m.context_id = r.contextId;
  m.stream_id = r.streamId;
  m.correlation_id = r.correlationId;
  m.bytes = r.bytes;
  m.copy_kind = r.copyKind;
  m.src_kind = r.srcKind;
  m.dst_kind = r.dstKind;
  out.memcpys.push_back(m);
}

void parse_memset(const CUpti_ActivityMemset4& r, DeviceActivity& out) {
  MemsetActivity m;
  m.start_ns = ns(r.start);
  m.end_ns = ns(r.end);
  m.device_id = r.deviceId;
  m.context_id = r.contextId;
  m.stream_id = r.streamId;
  m.correlation_id = r.correlationId;
  m.bytes = r.bytes;
  m.value = r.value;
  m.memory_kind = r.memoryKind;
  out.memsets.push_back(m);
}

void parse_api(const CUpti_ActivityAPI& r, ApiDomain domain, DeviceActivity& out) {
  ApiActivity a;
  a.domain = domain;
  a.cbid = r.cbid;
  a.start_ns = ns(r.start);
  a.end_ns = ns(r.end);
  a.process_id = r.processId;
  a.thread_id = r.threadId;
  a.correlation_id = r.correlationId;
  a.return_value = r.returnValue;
  out.api_calls.push_back(std::move(a));
}

void parse_sync(const CUpti_ActivitySynchronization2& r, DeviceActivity& out) {
  SyncActivity s;
  s.type = static_cast<std::uint32_t>(r.type);
  s.start_ns = ns(r.start);
  s.end_ns = ns(r.end);
  s.correlation_id = r.correlationId;
  s.context_id = r.contextId;
  s.stream_id = r.streamId;
  s.cuda_event_id = r.cudaEventId;
  out.syncs.push_back(s);
}

void parse_marker(const CUpti_ActivityMarker2& r, DeviceActivity& out) {
  MarkerActivity m;
  if (r.flags & CUPTI_ACTIVITY_FLAG_MARKER_START)
    m.phase = MarkerPhase::start;
  else if (r.flags & CUPTI_ACTIVITY_FLAG_MARKER_END)
    m.phase = MarkerPhase::end;
  else
    m.phase = MarkerPhase::instant;
  m.timestamp_ns = ns(r.timestamp);
  m.id = r.id;
  if (r.objectKind == CUPTI_ACTIVITY_OBJECT_THREAD || r.objectKind == CUPTI_ACTIVITY_OBJECT_PROCESS) {
    m.process_id = r.objectId.pt.processId;
    m.thread_id = r.objectId.pt.threadId;
  }
  m.name = str(r.name);
  m.domain = str(r.domain);
  out.markers.push_back(std::move(m));
}

void parse_overhead(const CUpti_ActivityOverhead3& r, DeviceActivity& out) {
  OverheadActivity o;
  o.kind = static_cast<std::uint32_t>(r.overheadKind);
  o.name = overhead_name(o.kind);
  o.start_ns = ns(r.start);
  o.end_ns = ns(r.end);
  if (r.objectKind == CUPTI_ACTIVITY_OBJECT_THREAD || r.objectKind == CUPTI_ACTIVITY_OBJECT_PROCESS) {
    o.process_id = r.objectId.pt.processId;
    o.thread_id = r.objectId.pt.threadId;
  }
  out.overheads.push_back(std::move(o));
}

}  // namespace

ParseResult parse_record(const CUpti_Activity* record, DeviceActivity& out) {
  switch (record->kind) {
    case CUPTI_ACTIVITY_KIND_KERNEL:
    case CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL:
      parse_kernel(*reinterpret_cast<const CUpti_ActivityKernel10*>(record), out);
      return ParseResult::parsed;
    case CUPTI_ACTIVITY_KIND_MEMCPY:
      parse_memcpy(*reinterpret_cast<const CUpti_ActivityMemcpy6*>(record), out);
      return ParseResult::parsed;
    case CUPTI_ACTIVITY_KIND_MEMSET:
      parse_memset(*reinterpret_cast<const CUpti_ActivityMemset4*>(record), out);
      return ParseResult::parsed;
    case CUPTI_ACTIVITY_KIND_RUNTIME:
      parse_api(*reinterpret_cast<const CUpti_ActivityAPI*>(record), ApiDomain::runtime, out);
      return ParseResult::parsed;
    case CUPTI_ACTIVITY_KIND_DRIVER:
      parse_api(*reinterpret_cast<const CUpti_ActivityAPI*>(record), ApiDomain::driver, out);
      return ParseResult::parsed;
    case CUPTI_ACTIVITY_KIND_SYNCHRONIZATION:
      parse_sync(*reinterpret_cast<const CUpti_ActivitySynchronization2*>(record), out);
      return ParseResult::parsed;
    case CUPTI_ACTIVITY_KIND_EXTERNAL_CORRELATION: {
      const auto& r = *reinterpret_cast<const CUpti_ActivityExternalCorrelation*>(record);
      out.correlations.push_back({static_cast<std::uint32_t>(r.externalKind), r.externalId, r.correlationId});
      return ParseResult::parsed;
    }
    case CUPTI_ACTIVITY_KIND_MARKER:
      parse_marker(*reinterpret_cast<const CUpti_ActivityMarker2*>(record), out);
      return ParseResult::parsed;
    case CUPTI_ACTIVITY_KIND_OVERHEAD:
      parse_overhead(*reinterpret_cast<const CUpti_ActivityOverhead3*>(record), out);
      return ParseResult::parsed;
    default:
      ++out.unknown_records;
      return ParseResult::skipped;
  }
}

std::string overhead_name(std::uint32_t kind) {
  switch (kind) {
    case CUPTI_ACTIVITY_OVERHEAD_DRIVER_COMPILER:
      return "driver compiler";
    case CUPTI_ACTIVITY_OVERHEAD_CUPTI_BUFFER_FLUSH:
      return "CUPTI buffer flush";
    case CUPTI_ACTIVITY_OVERHEAD_CUPTI_INSTRUMENTATION:
      return "CUPTI instrumentation";
    case CUPTI_ACTIVITY_OVERHEAD_CUPTI_RESOURCE:
      return "CUPTI resource";
    case CUPTI_ACTIVITY_OVERHEAD_RUNTIME_TRIGGERED_MODULE_LOADING:
      return "runtime-triggered module loading";
    case CUPTI_ACTIVITY_OVERHEAD_LAZY_FUNCTION_LOADING:
      return "lazy function loading";
    case CUPTI_ACTIVITY_OVERHEAD_COMMAND_BUFFER_FULL:
      return "command buffer full";
    case CUPTI_ACTIVITY_OVERHEAD_ACTIVITY_BUFFER_REQUEST:
      return "activity buffer request";
    case CUPTI_ACTIVITY_OVERHEAD_UVM_ACTIVITY_INIT:
      return "UVM activity init";
    default:
      return "unknown overhead " + std::to_string(kind);
  }
}

}  // namespace looplab::profiler
