// Sums of op costs: a step, one op kind, one loop range. Plain data, so the store can persist it.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>

#include "simulator/op_cost.hpp"

namespace looplab {

struct CostTotals {
  double time_s = 0;
  double flops = 0;
  double weight_bytes = 0;
  double activation_bytes = 0;
  double kv_read_bytes = 0;
  double kv_write_bytes = 0;
  std::array<double, kBoundCount> time_by_bound_s{};  // indexed by Bound
  double ops = 0;                                     // op count (double: scaled by layers)
  double host_s = 0;                                  // host issue time of the kernels
  double engine_s = 0;                                // per-step engine time outside the ops (see add_engine_overhead)

  double bytes() const { return weight_bytes + activation_bytes + kv_read_bytes + kv_write_bytes; }
  // The bound holding the most time.
  Bound dominant_bound() const;
  // Adds `times` copies of one op's cost (the layer count, when one layer stands for all).
  void add(const OpCost& c, double times = 1.0) {
    time_s += c.time_s * times;
    flops += c.flops * times;
    weight_bytes += c.weight_bytes * times;
    activation_bytes += c.activation_bytes * times;
    kv_read_bytes += c.kv_read_bytes * times;
    kv_write_bytes += c.kv_write_bytes * times;
    time_by_bound_s[static_cast<std::size_t>(c.bound)] += c.time_s * times;
    ops += times;
    host_s += c.host_s * times;
  }
  void add(const CostTotals& o) {
    time_s += o.time_s;
    flops += o.flops;
    weight_bytes += o.weight_bytes;
    activation_bytes += o.activation_bytes;
    kv_read_bytes += o.kv_read_bytes;
    kv_write_bytes += o.kv_write_bytes;
    for (std::size_t i = 0; i < time_by_bound_s.size(); ++i) time_by_bound_s[i] += o.time_by_bound_s[i];
    ops += o.ops;
    host_s += o.host_s;
    engine_s += o.engine_s;
  }
};

// A step's time beyond its ops: the host's issue time where it exceeds the device's (stream and
// eager engines run the host ahead of the GPU, so the slower of the two sets the pace) and the
// engine's per-step work (scheduling, sampling), and for a prefill the request's own overhead
// before its first token. Counted as launch-bound time. Apply once to a whole step's totals.
inline void add_engine_overhead(CostTotals& t, const CostParams& p, std::int64_t batch, bool prefill) {
  const double extra = std::max(0.0, t.host_s - t.time_s) + p.step_overhead_s +
                       p.step_overhead_per_seq_s * static_cast<double>(batch) + (prefill ? p.request_overhead_s : 0.0);
  t.engine_s = extra;
  t.time_s += extra;
  t.time_by_bound_s[static_cast<std::size_t>(Bound::launch)] += extra;
}

inline Bound CostTotals::dominant_bound() const {
  std::size_t best = 0;
  for (std::size_t i = 1; i < time_by_bound_s.size(); ++i)
    if (time_by_bound_s[i] > time_by_bound_s[best]) best = i;
  return static_cast<Bound>(best);
}

}  // namespace looplab
