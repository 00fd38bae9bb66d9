// CuptiTracer: subscription, the buffer pool behind CUPTI's request/complete callbacks, and the
// window that flushes, copies out and attributes the records. Modelled on kineto's
// CuptiActivityApi: buffers owned by us, records copied out as soon as a buffer completes, and
// no CUPTI failure ever propagates into the measured program.
#include "profiler/cupti/cupti_tracer.hpp"

#include <cuda_runtime_api.h>
#include <cupti.h>
#include <dlfcn.h>

#include <cstdlib>
#include <deque>
#include <mutex>
#include <new>
#include <optional>
#include <vector>

#include "engine/cuda/cupti_check.hpp"
#include "profiler/attribution.hpp"
#include "profiler/cupti/cupti_parse.hpp"

namespace looplab::profiler {

namespace {

constexpr std::size_t kBufferBytes = 8u << 20;  // 8 MiB, CUPTI's recommended order of magnitude
constexpr std::size_t kPoolBuffers = 8;         // ready before each window
constexpr std::size_t kAlign = 8;               // CUPTI requires 8-byte aligned buffers

// Driver API calls too: libraries such as cuBLASLt launch through the driver API, and an external
// correlation record (our op id) exists only for calls of an enabled API kind.
const CUpti_ActivityKind kKinds[] = {CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL,
                                     CUPTI_ACTIVITY_KIND_MEMCPY,
                                     CUPTI_ACTIVITY_KIND_MEMSET,
                                     CUPTI_ACTIVITY_KIND_RUNTIME,
                                     CUPTI_ACTIVITY_KIND_DRIVER,
                                     CUPTI_ACTIVITY_KIND_SYNCHRONIZATION,
                                     CUPTI_ACTIVITY_KIND_EXTERNAL_CORRELATION,
                                     CUPTI_ACTIVITY_KIND_MARKER,
                                     CUPTI_ACTIVITY_KIND_OVERHEAD};

// One activity buffer; its only owner frees it.
struct BufferDeleter {
  void operator()(std::uint8_t* p) const { ::operator delete[](p, std::align_val_t(kAlign)); }
};
using Buffer = std::unique_ptr<std::uint8_t[], BufferDeleter>;
Buffer new_buffer() { return Buffer(new (std::align_val_t(kAlign)) std::uint8_t[kBufferBytes]); }

// Process-wide state the C callbacks reach. Guarded by `mu`: CUPTI may complete buffers on its
// own thread.
struct State {
  std::mutex mu;
  std::vector<Buffer> free;  // ready for CUPTI
  std::vector<Buffer> lent;  // handed to CUPTI, not yet completed
  DeviceActivity activity;   // records copied out so far in this window
  std::int64_t dropped = 0;
  std::int64_t allocated_in_window = 0;
  bool in_window = false;
  bool active = false;  // a CuptiTracer exists
  // Graph nodes created under a plan op (stream capture of a decode step) and their clones: how
  // a replayed graph's kernels find their ops. Kept across windows and tracers.
  GraphNodeOps graph_nodes;
  std::optional<std::uint32_t> current_op;  // the plan op running now, while a tracer observes
  bool graph_callbacks = false;             // the resource callbacks are subscribed
};
// Never destroyed: CUPTI may complete a buffer, or report a graph node, from its own thread or
// an exit handler after static destructors ran, and must find the state alive.
State& state() {
  static State* s = new State;
  return *s;
}

void CUPTIAPI buffer_requested(std::uint8_t** buffer, std::size_t* size, std::size_t* max_records) {
  State& s = state();
  std::lock_guard lock(s.mu);
  if (s.free.empty()) {
    s.free.push_back(new_buffer());
    if (s.in_window) ++s.allocated_in_window;
  }
  s.lent.push_back(std::move(s.free.back()));
  s.free.pop_back();
  *buffer = s.lent.back().get();
  *size = kBufferBytes;
  *max_records = 0;  // as many as fit
}

void CUPTIAPI buffer_completed(CUcontext ctx, std::uint32_t stream_id, std::uint8_t* buffer, std::size_t /*size*/,
                               std::size_t valid_size) {
  State& s = state();
  std::lock_guard lock(s.mu);
  CUpti_Activity* record = nullptr;
  while (cuptiActivityGetNextRecord(buffer, valid_size, &record) == CUPTI_SUCCESS) parse_record(record, s.activity);
  std::size_t dropped = 0;
  if (cuptiActivityGetNumDroppedRecords(ctx, stream_id, &dropped) == CUPTI_SUCCESS)
    s.dropped += static_cast<std::int64_t>(dropped);
  for (auto it = s.lent.begin(); it != s.lent.end(); ++it)
    if (it->get() == buffer) {
      s.free.push_back(std::move(*it));
      s.lent.erase(it);
      break;
    }
}

std::uint64_t CUPTIAPI steady_timestamp() { return static_cast<std::uint64_t>(steady_now_ns()); }

// CUPTI_CB_DOMAIN_RESOURCE: graph nodes created (stream capture, on the capturing thread) and
// cloned (instantiation). Never throws: a failure leaves the node unmapped, and its kernels count
// as lost attributions.
void CUPTIAPI on_resource(void* /*userdata*/, CUpti_CallbackDomain domain, CUpti_CallbackId cbid, const void* cbdata) {
  if (domain != CUPTI_CB_DOMAIN_RESOURCE || cbdata == nullptr) return;
  const auto* resource = static_cast<const CUpti_ResourceData*>(cbdata);
  const auto* graph = static_cast<const CUpti_GraphData*>(resource->resourceDescriptor);
  if (graph == nullptr) return;
  State& s = state();
  // CUPTI is asked before the lock is taken: no CUPTI call runs under `mu`, which CUPTI's own
  // buffer callbacks take.
  if (cbid == CUPTI_CBID_RESOURCE_GRAPHNODE_CREATED) {
    std::uint64_t id = 0;
    if (cuptiGetGraphNodeId(graph->node, &id) != CUPTI_SUCCESS) return;
    std::lock_guard lock(s.mu);
    if (s.current_op) s.graph_nodes.created(id, *s.current_op);
  } else if (cbid == CUPTI_CBID_RESOURCE_GRAPHNODE_CLONED) {
    std::uint64_t clone = 0, original = 0;
    if (cuptiGetGraphNodeId(graph->node, &clone) != CUPTI_SUCCESS ||
        cuptiGetGraphNodeId(graph->originalNode, &original) != CUPTI_SUCCESS)
      return;
    std::lock_guard lock(s.mu);
    s.graph_nodes.cloned(clone, original);
  }
}

// CUPTI's clock, buffer and resource callbacks are process-wide: registered once, by the first
// tracer, and left in place (a second registration while CUPTI holds buffers is what breaks).
// Returns the reason when the activity callbacks could not be registered; a failed resource
// subscription (another subscriber, e.g. a profiler this process runs under) only costs the
// attribution of graph replays.
std::string register_once() {
  static std::once_flag once;
  static std::string error;
  std::call_once(once, [] {
    try {
      // Timestamps on our steady clock, so device records and host spans share one time line.
      LOOPLAB_CUPTI_CHECK(cuptiActivityRegisterTimestampCallback(steady_timestamp));
      LOOPLAB_CUPTI_CHECK(cuptiActivityRegisterCallbacks(buffer_requested, buffer_completed));
    } catch (const std::exception& e) {
      error = e.what();
      return;
    }
    CUpti_SubscriberHandle subscriber{};
    if (cuptiSubscribe(&subscriber, on_resource, nullptr) != CUPTI_SUCCESS) return;
    const bool created = cuptiEnableCallback(1, subscriber, CUPTI_CB_DOMAIN_RESOURCE,
                                             CUPTI_CBID_RESOURCE_GRAPHNODE_CREATED) == CUPTI_SUCCESS;
    const bool cloned = cuptiEnableCallback(1, subscriber, CUPTI_CB_DOMAIN_RESOURCE,
                                            CUPTI_CBID_RESOURCE_GRAPHNODE_CLONED) == CUPTI_SUCCESS;
    State& s = state();
    std::lock_guard lock(s.mu);
    s.graph_callbacks = created && cloned;
  });
  return error;
}

// Kernels still running have no records yet: wait for the device before a forced flush, so the
// window's last step is complete. A failed sync (a sticky error) is the engine's to report.
void sync_then_flush() noexcept {
  cudaDeviceSynchronize();
  cuptiActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
}

void disable_all() noexcept {
  for (CUpti_ActivityKind k : kKinds) cuptiActivityDisable(k);
}

std::string api_name(ApiDomain d, std::uint32_t cbid) {
  const char* name = nullptr;
  auto domain = d == ApiDomain::runtime ? CUPTI_CB_DOMAIN_RUNTIME_API : CUPTI_CB_DOMAIN_DRIVER_API;
  if (cuptiGetCallbackName(domain, cbid, &name) == CUPTI_SUCCESS && name) return name;
  return "cbid " + std::to_string(cbid);
}

// CUPTI sees NVTX ranges only when NVTX loads it as its injection library. NVTX reads the
// variable at its first call, so this must run before any range is pushed, and only once CUPTI
// has accepted the subscription (a process whose tracer failed keeps NVTX as it was); a user's
// own setting (for example under Nsight Systems) is left alone, and LOOPLAB_CUPTI_NVTX=0 turns
// the routing off (a way around NVTX-in-CUPTI bugs of a given CUDA release).
void route_nvtx_to_cupti() {
  if (std::getenv("NVTX_INJECTION64_PATH")) return;
  if (const char* v = std::getenv("LOOPLAB_CUPTI_NVTX"); v && std::string(v) == "0") return;
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&cuptiActivityEnable), &info) != 0 && info.dli_fname)
    setenv("NVTX_INJECTION64_PATH", info.dli_fname, 0);
}

}  // namespace

std::unique_ptr<CuptiTracer> CuptiTracer::create(std::string& why_not) {
  State& s = state();
  {
    std::lock_guard lock(s.mu);
    if (s.active) {
      why_not = "another CUPTI tracer is already active in this process";
      return nullptr;
    }
    s.active = true;
  }
  if (std::string error = register_once(); !error.empty()) {
    std::lock_guard lock(s.mu);
    s.active = false;
    why_not = error;
    return nullptr;
  }
  try {
    for (CUpti_ActivityKind k : kKinds) LOOPLAB_CUPTI_CHECK(cuptiActivityEnable(k));
  } catch (const std::exception& e) {
    disable_all();
    std::lock_guard lock(s.mu);
    s.active = false;
    why_not = e.what();
    return nullptr;
  }
  route_nvtx_to_cupti();
  return std::unique_ptr<CuptiTracer>(new CuptiTracer());
}

CuptiTracer::~CuptiTracer() {
  sync_then_flush();
  disable_all();
  State& s = state();
  std::lock_guard lock(s.mu);
  s.current_op.reset();
  s.activity = {};
  s.free.clear();  // buffers still lent to CUPTI stay alive until completed; the flush completed them
  s.in_window = false;
  s.active = false;
}

bool CuptiTracer::set_collecting(bool on) {
  if (!on) {
    sync_then_flush();
    disable_all();
    return true;
  }
  for (CUpti_ActivityKind k : kKinds)
    if (cuptiActivityEnable(k) != CUPTI_SUCCESS) return false;
  return true;
}

void CuptiTracer::begin_window(std::size_t max_steps, std::size_t max_ops) {
  host_.begin_window(max_steps, max_ops);
  step_ = 0;
  failed_pushes_.clear();
  failed_pushes_.reserve(max_ops);  // no allocation inside the measured window
  // Complete whatever CUPTI holds from before (warm-up), then start clean.
  sync_then_flush();
  State& s = state();
  std::lock_guard lock(s.mu);
  s.activity = {};
  s.dropped = 0;
  s.allocated_in_window = 0;
  while (s.free.size() < kPoolBuffers) s.free.push_back(new_buffer());
  s.in_window = true;
}

Capture CuptiTracer::end_window() {
  sync_then_flush();
  Capture c = host_.end_window();
  State& s = state();
  {
    std::lock_guard lock(s.mu);
    c.device = std::move(s.activity);
    s.activity = {};
    c.dropped_records = s.dropped;
    c.buffers_allocated_in_window = s.allocated_in_window;
    s.in_window = false;
    attribute(c, s.graph_nodes);
  }
  for (ApiActivity& a : c.device.api_calls) a.name = api_name(a.domain, a.cbid);
  c.lost_attributions = count_lost_attributions(c, failed_pushes_);
  c.nvtx = pair_markers(c.device.markers);
  return c;
}

void CuptiTracer::on_step_begin(const StepPlan& plan, std::int64_t step_index) {
  step_ = host_.next_step();
  host_.on_step_begin(plan, step_index);
}

void CuptiTracer::on_op_begin(const OpDesc& op, std::size_t op_index) {
  const auto index = static_cast<std::uint32_t>(op_index);
  if (cuptiActivityPushExternalCorrelationId(CUPTI_EXTERNAL_CORRELATION_KIND_CUSTOM0,
                                             encode_external_id(step_, index)) != CUPTI_SUCCESS)
    failed_pushes_.push_back({step_, index});
  {
    State& s = state();
    std::lock_guard lock(s.mu);
    s.current_op = index;
  }
  host_.on_op_begin(op, op_index);
}

void CuptiTracer::on_op_end(const OpDesc& op, std::size_t op_index) {
  host_.on_op_end(op, op_index);
  {
    State& s = state();
    std::lock_guard lock(s.mu);
    s.current_op.reset();
  }
  std::uint64_t last = 0;
  cuptiActivityPopExternalCorrelationId(CUPTI_EXTERNAL_CORRELATION_KIND_CUSTOM0, &last);
}

void CuptiTracer::on_step_end(const StepPlan& plan, std::int64_t step_index) { host_.on_step_end(plan, step_index); }

}  // namespace looplab::profiler
