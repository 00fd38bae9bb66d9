// Roofline cost of one plan op: FLOPs, bytes moved (weights, activations, KV read, KV written),
// and time = max(flops / (peak * eff_c), bytes / (bandwidth * eff_m)) + fixed overhead.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "engine/core/config.hpp"
#include "engine/core/plan.hpp"
#include "simulator/calibration.hpp"
#include "simulator/engine_profile.hpp"
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
  double overhead_s = 0;        // per kernel: launch gap and pipeline ramp (GPU), or per-op (host)
  double host_s = 0;            // host time to issue the op's kernels (stream and eager engines)
  double time_s = 0;            // overlapped(compute_s, memory_s) + overhead_s
  Bound bound = Bound::memory;
  double bytes() const { return weight_bytes + activation_bytes + kv_read_bytes + kv_write_bytes; }
};

// kernels: the efficiency model and the engine profile (the default). roofline: the plain
// roofline, max(compute, memory) at the ceiling plus one launch gap per op, every engine term off:
// the bound no engine beats, and the arithmetic the hand-worked tests check.
enum class CostModel : std::uint8_t { kernels, roofline };
std::string_view to_string(CostModel m);
std::optional<CostModel> parse_cost_model(std::string_view s);

struct CostOptions {
  CostOptions() = default;
  explicit(false)
      CostOptions(LaunchMode l, Ceiling c = Ceiling::achievable, std::shared_ptr<const EngineProfile> e = nullptr)
      : launch(l), ceiling(c), engine(std::move(e)) {}
  LaunchMode launch = LaunchMode::graph;
  Ceiling ceiling = Ceiling::achievable;
  // How the engine executes the step; null: looplab's own engine under `launch`.
  std::shared_ptr<const EngineProfile> engine;
  CostModel model = CostModel::kernels;
  // The engine's name: the profile's, or looplab's for the launch mode.
  std::string engine_name() const;
};

// Cost options from their names, as a command line or a script gives them; throws InputError
// naming the field (`cost_model_field`: "cost-model" for the CLI's flag, "cost_model" for a
// keyword) for an unknown launch mode, ceiling or cost model, or an engine that does not load.
CostOptions parse_cost_options(const std::string& launch, const std::string& ceiling, const std::string& cost_model,
                               const std::optional<std::string>& engine,
                               const std::string& cost_model_field = "cost_model");

// The GPU efficiency model's device-side parameters (docs/simulator.md, "The efficiency model").
// They hold for every engine; the fitted ones are fitted by `looplab validate` on the published
// validation set and evaluated there leave-one-source-out.
struct EfficiencyParams {
  // Time a kernel spends filling and draining the memory pipeline beyond its launch gap: the
  // "setup and teardown" of a kernel boundary during which no weights stream.
  double ramp_s = 1.0e-6;
  // Share of min(compute, memory) hidden under the other inside one kernel.
  double overlap = 0.5;
  // Thread blocks per SM a streaming kernel needs to reach full bandwidth.
  double blocks_per_sm = 1.0;
  // How fast a GEMM's efficiency falls with its tile size (efficiency::tile_efficiency).
  double tile_alpha = 0.0;
};
// The priors above, and the default every prediction uses: the project's fitted terms
// (data/validation/fit.json) where present, else the priors.
EfficiencyParams prior_efficiency();
EfficiencyParams default_efficiency();

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
  // The efficiency model (GPU under CostModel::kernels; the host and CostModel::roofline keep the
  // plain roofline with perfect overlap).
  bool gpu_model = false;
  std::int32_t sms = 0;
  double overlap = 1.0;
  double blocks_per_sm = 1.0;
  double attention_efficiency = 1.0;
  std::int64_t decode_split_tokens = -1;
  double attention_score_bytes = 0;           // per score through DRAM (0: flash attention)
  double tile_alpha = 0;                      // GEMM tile efficiency exponent (efficiency::tile_efficiency)
  double gemm_min_s_per_byte = 0;             // per-SM streaming cap of the engine's GEMMs (0: none)
  double gemm_min_s_per_flop = 0;             // per-SM compute cap of the engine's GEMMs (0: none)
  std::array<double, kOpKindCount> host_s{};  // host issue time of one op of the kind
  double step_overhead_s = 0;                 // per step, plus per sequence:
  double step_overhead_per_seq_s = 0;
  double request_overhead_s = 0;  // prefill only: the request's time to its first token beyond the step
};

// Throws InputError("calibration", ...) when the calibration was fitted on other hardware.
CostParams make_cost_params(const ModelConfig& c, const HardwareSpec& hw, const CostOptions& opt,
                            const Calibration* calibration = nullptr,
                            const EfficiencyParams& efficiency = default_efficiency());

// Bytes of the weights one layer reads (GEMMs, norms, PLT gate) in the params' element size.
std::int64_t layer_weight_bytes(const ModelConfig& c, std::int64_t bytes_per_element);

OpCost cost_op(const OpDesc& op, const CostParams& p);

// Activation bytes live while an op runs, for the activation-peak estimate: the op's inputs and
// outputs plus the residual stream of its rows (hidden wide).
inline double live_activation_bytes(const OpDesc& op, const OpCost& c, std::int64_t hidden, const CostParams& p) {
  return c.activation_bytes + static_cast<double>(op.rows) * static_cast<double>(hidden) * p.bytes_per_element;
}

}  // namespace looplab
