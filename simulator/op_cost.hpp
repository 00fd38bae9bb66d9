// Roofline cost of one plan op: FLOPs, bytes moved (weights, activations, KV read, KV written),
// and time = max(flops / (peak * eff_c), bytes / (bandwidth * eff_m)) + fixed overhead.
#pragma once
#include <array>
#include <cstdint>
#include <string_view>

#include "engine/core/config.hpp"
#include "engine/core/plan.hpp"
#include "simulator/calibration.hpp"
#include "simulator/hardware.hpp"

namespace looplab {

enum class Bound : std::uint8_t { memory, compute, launch };
inline constexpr int kBoundCount = 3;
std::string_view to_string(Bound b);

struct OpCost {
  double flops = 0;
  double weight_bytes = 0;      // weights read from DRAM (0 when served from L2, see CostParams)
  double activation_bytes = 0;  // activations read + written
  double kv_read_bytes = 0;     // K/V cache read
  double kv_write_bytes = 0;    // K/V appended to the cache
  double compute_s = 0;         // flops / (peak * compute efficiency)
  double memory_s = 0;          // bytes / (bandwidth * memory efficiency)
  double overhead_s = 0;        // launch (GPU) or per-op (host) overhead
  double time_s = 0;            // max(compute_s, memory_s) + overhead_s
  Bound bound = Bound::memory;
  double bytes() const { return weight_bytes + activation_bytes + kv_read_bytes + kv_write_bytes; }
};

struct CostOptions {
  LaunchMode launch = LaunchMode::graph;
  Ceiling ceiling = Ceiling::measured;
};

// Everything cost_op needs, resolved once per (config, hardware, options, calibration) so the
// per-op arithmetic is a handful of multiplies.
struct CostParams {
  double bytes_per_element = 2;
  double peak_flops = 0;                          // chosen ceiling, before efficiencies
  double bw_bytes_per_s = 0;                      // chosen ceiling, before efficiencies
  std::array<double, kOpKindCount> s_per_flop{};  // 1 / (peak * compute efficiency of the kind)
  std::array<double, kOpKindCount> s_per_byte{};  // 1 / (bandwidth * memory efficiency)
  std::array<double, kOpKindCount> overhead_s{};
  // Weight reuse rule: a layer's weights are read from DRAM on the first pass of a step that uses
  // them (pass 0; pass 1 for the PLT gate of a prefill, which loop 1 does not use); a later pass
  // finds them in L2 only when the weights of the whole layer stack fit in L2, since the other
  // N-1 layers' weights stream through L2 between two uses of one layer.
  bool stack_weights_in_l2 = false;
  bool qk_norm = false;
  std::int64_t stack_weight_bytes = 0;
  std::int64_t l2_bytes = 0;
};

// Throws InputError("calibration", ...) when the calibration was fitted on other hardware.
CostParams make_cost_params(const ModelConfig& c, const HardwareSpec& hw, const CostOptions& opt,
                            const Calibration* calibration = nullptr);

// Bytes of the weights one layer reads (GEMMs, norms, PLT gate) in the params' element size.
std::int64_t layer_weight_bytes(const ModelConfig& c, std::int64_t bytes_per_element);

OpCost cost_op(const OpDesc& op, const CostParams& p);

// Activation bytes live while an op runs, for the activation-peak estimate: the op's inputs and
// outputs plus the residual stream of its rows (hidden wide).
inline double live_activation_bytes(const OpDesc& op, const OpCost& c, std::int64_t hidden, const CostParams& p) {
  return c.activation_bytes + static_cast<double>(op.rows) * static_cast<double>(hidden) * p.bytes_per_element;
}

}  // namespace looplab
