// Kernel -> plan-op attribution. Each plan op is pushed as a CUPTI external correlation id
// encoding (step, op index); CUPTI reports one ExternalCorrelation record per API call made
// under it, carrying that call's correlationId, which the kernel, memcpy and memset records
// share. So the join is: device record -> correlationId -> external id -> (step, op).
#pragma once
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "profiler/activity.hpp"

namespace looplab::profiler {

// CUPTI_EXTERNAL_CORRELATION_KIND_CUSTOM0, repeated here so this file needs no CUPTI header.
inline constexpr std::uint32_t kLooplabCorrelationKind = 3;

// step in the high 32 bits, op index in the low 32 bits.
constexpr std::uint64_t encode_external_id(std::int64_t step, std::uint32_t op_index) {
  return (static_cast<std::uint64_t>(step) << 32) | op_index;
}
constexpr OpRef decode_external_id(std::uint64_t id) {
  return {static_cast<std::int64_t>(id >> 32), static_cast<std::uint32_t>(id & 0xffffffffu)};
}

struct AttributionStats {
  std::size_t kernels = 0, kernels_attributed = 0;
  std::size_t graph_kernels = 0, graph_kernels_attributed = 0;  // kernels replayed from a CUDA graph
  std::size_t copies_attributed = 0;                            // memcpy + memset records
};
// Sets `op` on every kernel, memcpy and memset whose correlationId has an external correlation
// of kLooplabCorrelationKind; others stay unattributed (work outside any plan op).
AttributionStats attribute(DeviceActivity& activity);

// Which plan op created each node of a captured CUDA graph. A replayed graph's kernels carry the
// correlationId of the graph launch, which no op pushed, but also the id of the graph node that
// ran them: the tracer records, while an op runs under stream capture, every node CUPTI reports
// created, and when a graph is instantiated, every node cloned from one of those (the executable
// graph's nodes are clones, and its kernel records name the clone). Node ids are unique in a
// process, so the map outlives windows and graphs.
class GraphNodeOps {
 public:
  // A node created while plan op `op_index` ran (nothing is recorded for a node created outside
  // every op: a graph of someone else's).
  void created(std::uint64_t node_id, std::uint32_t op_index) { op_of_[node_id] = op_index; }
  // `clone_id` was cloned from `original_id` (graph instantiation, or a graph cloned from a graph):
  // it stands for the original's op, if the original has one.
  void cloned(std::uint64_t clone_id, std::uint64_t original_id);
  std::optional<std::uint32_t> op_of(std::uint64_t node_id) const;
  std::size_t size() const { return op_of_.size(); }

 private:
  std::unordered_map<std::uint64_t, std::uint32_t> op_of_;
};

// attribute(), then the kernels a graph replay ran: a kernel with no op of its own and a graph
// node id gets the op that created its node and the step whose host span holds the API call
// that launched it (the graph launch shares the kernel's correlationId). A graph kernel whose
// node or launch is unknown stays unattributed, and count_lost_attributions counts it.
AttributionStats attribute(Capture& capture, const GraphNodeOps& graph_nodes);

// Op attributions lost in a capture whose records went through attribute():
//  - one per plan op in `failed_pushes`: its correlation id was never pushed, so whatever it
//    launched carries no op (those records are not counted again);
//  - one per kernel, memcpy or memset without an op whose launching API call (the api_calls
//    record with its correlationId) started inside a host op span: its external correlation
//    record is missing (dropped, or never made);
//  - one per kernel, memcpy or memset attributed to a (step, op) with no host op span in the
//    capture: an id from outside this window, or a step counter out of step with the host's.
//  - one per kernel replayed from a CUDA graph (a graph node id) that found no op: its node was
//    not created under a plan op the tracer saw (a graph captured before the tracer existed), or
//    its launch call is missing.
// Other records launched outside every op span (sampling, copies between steps) are not losses. Op spans are taken to
// come from the one thread that drives the session.
std::int64_t count_lost_attributions(const Capture& capture, const std::vector<OpRef>& failed_pushes = {});

// Device time of each host op span: for capture.ops[i], the summed duration and count of the
// kernels attributed to (ops[i].step, ops[i].op_index).
struct OpDeviceTime {
  std::int64_t device_ns = 0;
  std::int64_t kernels = 0;
};
std::vector<OpDeviceTime> device_time_per_op(const Capture& capture);

// Pairs start and end marker records by id into ranges (instant marks become zero-length
// ranges); a start without its end is dropped. Ordered by start time.
std::vector<MarkerRange> pair_markers(const std::vector<MarkerActivity>& markers);

}  // namespace looplab::profiler
