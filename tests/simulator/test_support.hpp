// Helpers for the simulator tests: a round-number GPU spec so hand calculations stay readable.
#pragma once
#include <string>

#include "engine/core/plan.hpp"
#include "simulator/hardware.hpp"
#include "simulator/op_cost.hpp"

namespace looplab::test {

inline SpecNumber sourced(double v) { return SpecNumber{SourcedValue{v, "test value"}, std::nullopt, std::nullopt}; }

// bf16 peak 100 TFLOP/s, f32 10 TFLOP/s, 1 TB/s, L2 1 MiB, launch 2 us on a stream, 1 us in a graph.
inline HardwareSpec round_gpu(double l2_bytes = 1048576) {
  HardwareSpec h;
  h.name = "round-gpu";
  h.kind = HardwareKind::gpu;
  h.memory_bytes = sourced(16e9);
  h.mem_bw_bytes_per_s = sourced(1e12);
  h.peak_flops_bf16 = sourced(100e12);
  h.peak_flops_f32 = sourced(10e12);
  h.sm_count = sourced(100);
  h.l2_bytes = sourced(l2_bytes);
  h.launch_stream_s = sourced(2e-6);
  h.launch_graph_s = sourced(1e-6);
  return h;
}

// The plain roofline (CostModel::roofline): what the hand-worked cost tests work out. The
// efficiency model's terms have their own tests (test_efficiency.cpp).
inline CostOptions roofline(LaunchMode l = LaunchMode::graph, Ceiling c = Ceiling::achievable) {
  CostOptions o{l, c};
  o.model = CostModel::roofline;
  return o;
}

inline ModelConfig tiny(Variant v, std::int64_t loops, std::int64_t window = 4) {
  ModelConfig c = load_model("tiny");  // 2 layers, d 64, 4 heads, 2 kv heads, dh 16, ffn 128, vocab 97
  c.variant = v;
  c.loops = loops;
  c.window = window;
  return c;
}

inline const OpDesc& find_op(const StepPlan& p, OpKind k, std::int32_t layer = 0, std::int32_t pass = 0) {
  for (const auto& o : p.ops)
    if (o.kind == k && o.layer == layer && o.pass == pass) return o;
  throw std::runtime_error("op not in plan: " + std::string(to_string(k)));
}

}  // namespace looplab::test
