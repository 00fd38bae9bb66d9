// Joins CUPTI device records to plan ops through external correlation ids, counts the joins that
// were lost, and pairs NVTX marker records into ranges. Pure functions: tested with hand-built
// records.
#include "profiler/attribution.hpp"

#include <algorithm>
#include <climits>
#include <iterator>
#include <map>
#include <set>
#include <unordered_map>

namespace looplab::profiler {

AttributionStats attribute(DeviceActivity& a) {
  std::unordered_map<std::uint32_t, std::uint64_t> ext;  // correlationId -> external id
  ext.reserve(a.correlations.size());
  for (const ExternalCorrelation& c : a.correlations)
    if (c.external_kind == kLooplabCorrelationKind) ext[c.correlation_id] = c.external_id;
  auto find = [&](std::uint32_t corr) -> std::optional<OpRef> {
    auto it = ext.find(corr);
    if (it == ext.end()) return std::nullopt;
    return decode_external_id(it->second);
  };
  AttributionStats s;
  for (KernelActivity& k : a.kernels) {
    k.op = find(k.correlation_id);
    ++s.kernels;
    if (k.op) ++s.kernels_attributed;
  }
  for (MemcpyActivity& m : a.memcpys)
    if ((m.op = find(m.correlation_id))) ++s.copies_attributed;
  for (MemsetActivity& m : a.memsets)
    if ((m.op = find(m.correlation_id))) ++s.copies_attributed;
  return s;
}

void GraphNodeOps::cloned(std::uint64_t clone_id, std::uint64_t original_id) {
  if (auto it = op_of_.find(original_id); it != op_of_.end()) op_of_[clone_id] = it->second;
}

std::optional<std::uint32_t> GraphNodeOps::op_of(std::uint64_t node_id) const {
  auto it = op_of_.find(node_id);
  if (it == op_of_.end()) return std::nullopt;
  return it->second;
}

AttributionStats attribute(Capture& c, const GraphNodeOps& graph_nodes) {
  AttributionStats s = attribute(c.device);
  // Steps by host start time; the spans of one thread's steps do not overlap.
  std::vector<const StepSpan*> steps;
  for (const StepSpan& st : c.steps) steps.push_back(&st);
  std::sort(steps.begin(), steps.end(), [](const StepSpan* a, const StepSpan* b) { return a->start_ns < b->start_ns; });
  const auto step_at = [&](std::int64_t t) -> std::optional<std::int64_t> {
    auto it = std::upper_bound(steps.begin(), steps.end(), t,
                               [](std::int64_t v, const StepSpan* st) { return v < st->start_ns; });
    if (it == steps.begin() || (*std::prev(it))->end_ns < t) return std::nullopt;
    return (*std::prev(it))->step;
  };
  std::unordered_map<std::uint32_t, std::int64_t> call_start;  // correlationId -> API call start
  for (const ApiActivity& a : c.device.api_calls) call_start.emplace(a.correlation_id, a.start_ns);
  for (KernelActivity& k : c.device.kernels) {
    if (k.graph_node_id == 0) continue;
    ++s.graph_kernels;
    if (k.op) {
      ++s.graph_kernels_attributed;
      continue;
    }
    const std::optional<std::uint32_t> op = graph_nodes.op_of(k.graph_node_id);
    auto call = call_start.find(k.correlation_id);
    if (!op || call == call_start.end()) continue;
    const std::optional<std::int64_t> step = step_at(call->second);
    if (!step) continue;
    k.op = OpRef{*step, *op};
    ++s.kernels_attributed;
    ++s.graph_kernels_attributed;
  }
  return s;
}

std::int64_t count_lost_attributions(const Capture& c, const std::vector<OpRef>& failed_pushes) {
  using Key = std::pair<std::int64_t, std::uint32_t>;
  std::set<Key> ran, failed;
  for (const OpRef& r : failed_pushes) failed.insert({r.step, r.op_index});
  // Host spans of the ops whose id was pushed, by start time; spans of one thread never overlap.
  std::vector<std::pair<std::int64_t, std::int64_t>> pushed;
  for (const OpSpan& o : c.ops) {
    ran.insert({o.step, o.op_index});
    if (!failed.count({o.step, o.op_index})) pushed.push_back({o.start_ns, o.end_ns});
  }
  std::sort(pushed.begin(), pushed.end());
  // The push precedes the span's start and the pop follows its end, so both ends are inside.
  const auto inside_pushed_op = [&](std::int64_t t) {
    auto it = std::upper_bound(pushed.begin(), pushed.end(), std::pair{t, INT64_MAX});
    return it != pushed.begin() && std::prev(it)->second >= t;
  };
  std::unordered_map<std::uint32_t, std::int64_t> call_start;  // correlationId -> API call start
  for (const ApiActivity& a : c.device.api_calls) call_start.emplace(a.correlation_id, a.start_ns);

  auto lost = static_cast<std::int64_t>(failed_pushes.size());
  const auto check = [&](const std::optional<OpRef>& op, std::uint32_t correlation_id) {
    if (op) {
      lost += ran.count({op->step, op->op_index}) ? 0 : 1;
      return;
    }
    auto it = call_start.find(correlation_id);
    if (it != call_start.end() && inside_pushed_op(it->second)) ++lost;
  };
  for (const KernelActivity& k : c.device.kernels) {
    if (!k.op && k.graph_node_id != 0)
      ++lost;  // a graph replay's kernel whose op could not be found
    else
      check(k.op, k.correlation_id);
  }
  for (const MemcpyActivity& m : c.device.memcpys) check(m.op, m.correlation_id);
  for (const MemsetActivity& m : c.device.memsets) check(m.op, m.correlation_id);
  return lost;
}

std::vector<OpDeviceTime> device_time_per_op(const Capture& capture) {
  std::map<std::pair<std::int64_t, std::uint32_t>, OpDeviceTime> by_op;
  for (const KernelActivity& k : capture.device.kernels) {
    if (!k.op) continue;
    OpDeviceTime& t = by_op[{k.op->step, k.op->op_index}];
    t.device_ns += k.end_ns - k.start_ns;
    ++t.kernels;
  }
  std::vector<OpDeviceTime> out(capture.ops.size());
  for (std::size_t i = 0; i < capture.ops.size(); ++i) {
    auto it = by_op.find({capture.ops[i].step, capture.ops[i].op_index});
    if (it != by_op.end()) out[i] = it->second;
  }
  return out;
}

std::vector<MarkerRange> pair_markers(const std::vector<MarkerActivity>& markers) {
  std::vector<MarkerRange> out;
  std::unordered_map<std::uint32_t, MarkerRange> open;
  for (const MarkerActivity& m : markers) {
    switch (m.phase) {
      case MarkerPhase::instant:
        out.push_back({m.timestamp_ns, m.timestamp_ns, m.id, true, m.name, m.domain, m.process_id, m.thread_id});
        break;
      case MarkerPhase::start:
        open[m.id] = {m.timestamp_ns, m.timestamp_ns, m.id, false, m.name, m.domain, m.process_id, m.thread_id};
        break;
      case MarkerPhase::end:
        if (auto it = open.find(m.id); it != open.end()) {
          it->second.end_ns = m.timestamp_ns;
          out.push_back(std::move(it->second));
          open.erase(it);
        }
        break;
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const MarkerRange& x, const MarkerRange& y) { return x.start_ns < y.start_ns; });
  return out;
}

}  // namespace looplab::profiler
