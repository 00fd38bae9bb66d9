// Capture -> rows: one place that knows both the profiler's structs and the store's.
#include "lab/capture_rows.hpp"

#include <map>

#include "profiler/attribution.hpp"
#include "profiler/kernel_names.hpp"

namespace looplab::lab {

using namespace store;

RunRows rows_from_capture(const profiler::Capture& c, std::int64_t repeat, std::int64_t origin, OpTiming timing) {
  RunRows r;
  r.steps.reserve(c.steps.size());
  for (const profiler::StepSpan& s : c.steps)
    r.steps.push_back({repeat, s.step, std::string(to_string(s.phase)), s.batch, s.context_len, s.start_ns - origin,
                       s.end_ns - origin, 0});
  std::vector<profiler::OpDeviceTime> device;
  if (timing == OpTiming::device) device = profiler::device_time_per_op(c);
  r.ops.reserve(c.ops.size());
  for (std::size_t i = 0; i < c.ops.size(); ++i) {
    const profiler::OpSpan& s = c.ops[i];
    OpRow o;
    o.repeat_index = repeat;
    o.step_index = s.step;
    o.op_index = s.op_index;
    o.name = op_name(s.op);
    o.kind = std::string(to_string(s.op.kind));
    o.layer = s.op.layer;
    o.loop_lo = s.op.loop_lo;
    o.loop_hi = s.op.loop_hi;
    o.pass = s.op.pass;
    o.rows = s.op.rows;
    o.n = s.op.n;
    o.k = s.op.k;
    o.kv_len = s.op.kv_len;
    o.start_ns = s.start_ns - origin;
    o.end_ns = s.end_ns - origin;
    if (timing == OpTiming::device) {
      o.device_ns = device[i].device_ns;
      o.kernels = device[i].kernels;
    }
    r.ops.push_back(std::move(o));
  }
  // Unattributed: each step's wall time minus what its ops measured.
  std::map<std::int64_t, std::int64_t> op_sum;
  for (const OpRow& o : r.ops) op_sum[o.step_index] += o.measured_ns();
  for (StepRow& s : r.steps) s.unattributed_ns = (s.end_ns - s.start_ns) - op_sum[s.step_index];
  for (const profiler::KernelActivity& k : c.device.kernels) {
    KernelRow row;
    row.start = k.start_ns - origin;
    row.end = k.end_ns - origin;
    row.device_id = k.device_id;
    row.context_id = k.context_id;
    row.stream_id = k.stream_id;
    row.correlation_id = k.correlation_id;
    row.name = k.name;
    row.short_name = profiler::short_kernel_name(k.name);
    row.mangled_name = k.mangled_name;
    row.grid_x = k.grid_x;
    row.grid_y = k.grid_y;
    row.grid_z = k.grid_z;
    row.block_x = k.block_x;
    row.block_y = k.block_y;
    row.block_z = k.block_z;
    row.registers_per_thread = k.registers_per_thread;
    row.static_shared_memory = k.static_shared_memory;
    row.dynamic_shared_memory = k.dynamic_shared_memory;
    row.local_memory_per_thread = k.local_memory_per_thread;
    row.local_memory_total = static_cast<std::int64_t>(k.local_memory_total);
    row.grid_id = k.grid_id;
    row.launch_type = k.launch_type;
    row.cache_config = k.cache_config;
    row.shared_memory_executed = k.shared_memory_executed;
    row.graph_node_id = static_cast<std::int64_t>(k.graph_node_id);
    row.graph_id = k.graph_id;
    if (k.op) {
      row.repeat_index = repeat;
      row.step_index = k.op->step;
      row.op_index = k.op->op_index;
    }
    r.kernels.push_back(std::move(row));
  }
  for (const profiler::ApiActivity& a : c.device.api_calls)
    r.api_calls.push_back({a.start_ns - origin, a.end_ns - origin, a.domain == profiler::ApiDomain::runtime ? 1 : 2,
                           global_tid(a.process_id, a.thread_id), a.correlation_id, a.name, a.return_value, repeat});
  for (const profiler::MemcpyActivity& m : c.device.memcpys)
    r.memcpys.push_back({m.start_ns - origin, m.end_ns - origin, m.device_id, m.context_id, m.stream_id,
                         m.correlation_id, static_cast<std::int64_t>(m.bytes), m.copy_kind, m.src_kind, m.dst_kind,
                         repeat});
  for (const profiler::MemsetActivity& m : c.device.memsets)
    r.memsets.push_back({m.start_ns - origin, m.end_ns - origin, m.device_id, m.context_id, m.stream_id,
                         m.correlation_id, static_cast<std::int64_t>(m.bytes), m.value, m.memory_kind, repeat});
  for (const profiler::SyncActivity& s : c.device.syncs)
    r.syncs.push_back({s.start_ns - origin, s.end_ns - origin, s.context_id, s.stream_id, s.correlation_id, s.type,
                       s.cuda_event_id, repeat});
  for (const profiler::MarkerRange& n : c.nvtx)
    r.nvtx.push_back({n.start_ns - origin, n.end_ns - origin, n.instant ? 34 : 59, n.id, n.name, n.domain,
                      global_tid(n.process_id, n.thread_id), repeat});
  for (const profiler::OverheadActivity& o : c.device.overheads)
    r.overheads.push_back(
        {o.start_ns - origin, o.end_ns - origin, o.name, global_tid(o.process_id, o.thread_id), repeat});
  return r;
}

}  // namespace looplab::lab
