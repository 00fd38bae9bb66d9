// Sums of op costs: a step, one op kind, one loop range. Plain data, so the store can persist it.
#pragma once
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
  }
};

inline Bound CostTotals::dominant_bound() const {
  std::size_t best = 0;
  for (std::size_t i = 1; i < time_by_bound_s.size(); ++i)
    if (time_by_bound_s[i] > time_by_bound_s[best]) best = i;
  return static_cast<Bound>(best);
}

}  // namespace looplab
