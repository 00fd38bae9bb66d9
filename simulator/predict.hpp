// looplab::predict: what one model variant costs on one device, op by op, for a decode step, a
// prefill and a whole generation, plus its memory and an out-of-memory verdict. Results are
// plain structs so the store can persist them and the GUI can show them.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/config.hpp"
#include "engine/core/plan.hpp"
#include "simulator/calibration.hpp"
#include "simulator/hardware.hpp"
#include "simulator/op_cost.hpp"
#include "simulator/totals.hpp"

namespace looplab {

enum class OpDetail : std::uint8_t { totals_only, every_op };

struct OpPrediction {
  std::int32_t index = 0;  // index in StepPlan::ops: the join key with measured ops
  OpDesc op;
  OpCost cost;
};

struct LoopTotals {
  std::int32_t loop_lo = 1, loop_hi = 1;  // ops that touch exactly these loops' rows
  CostTotals totals;
};

struct StepPrediction {
  StepShape shape;
  std::int32_t passes = 1;
  CostTotals total;
  std::array<CostTotals, kOpKindCount> by_kind{};  // indexed by OpKind
  std::vector<LoopTotals> by_loop;                 // in order of first appearance in the plan
  std::vector<OpPrediction> ops;                   // every plan op with OpDetail::every_op
  // Estimate of the activation memory the step holds at its peak: the largest op's inputs and
  // outputs, plus the residual stream of its rows, plus (cross-loop prefill) the embeddings kept
  // for re-injection.
  std::int64_t activation_peak_bytes = 0;
};

enum class MemoryVerdict : std::uint8_t { fits, out_of_memory };
std::string_view to_string(MemoryVerdict v);

struct MemoryPrediction {
  std::int64_t weight_bytes = 0;           // parameters in the storage dtype
  std::int64_t kv_bytes = 0;               // kv_bytes_formula at kv_capacity_tokens
  std::int64_t kv_capacity_tokens = 0;     // longest context the run needs
  std::int64_t activation_peak_bytes = 0;  // max of the prefill and decode step estimates
  std::int64_t total_bytes = 0;
  std::int64_t device_bytes = 0;  // the device's (usable) memory under the ceiling
  MemoryVerdict verdict = MemoryVerdict::fits;
};

struct GenerationPrediction {
  std::int64_t prompt_tokens = 0;
  std::int64_t new_tokens = 0;  // T: the prefill makes the first, T-1 decode steps the rest
  double prefill_s = 0;
  double decode_s = 0;  // sum of the decode steps at contexts P+1 .. P+T-1
  double total_s = 0;
  double tokens_per_s = 0;  // batch * T / total_s
};

// Generations are summed step by step (0.1-0.5 us a step); this keeps a typo from running for hours.
inline constexpr std::int64_t kMaxGenerateTokens = 10'000'000;

struct PredictRequest {
  std::int64_t batch = 1;
  std::int64_t context = 4096;  // decode step: keys visible to the new token, itself included
  std::int64_t prompt = 0;      // prefill length; 0 means `context`
  std::int64_t generate = 128;  // tokens to generate after the prompt; 0 skips the generation
  CostOptions cost;
  EfficiencyParams efficiency = default_efficiency();
  OpDetail detail = OpDetail::every_op;
};

struct Prediction {
  ModelConfig config;
  std::string hardware;
  HardwareKind hardware_kind = HardwareKind::gpu;
  PredictRequest request;
  Ceiling ceiling = Ceiling::achievable;  // the one used (a calibration brings its own)
  std::string calibration;                // provenance summary; empty when uncalibrated
  std::int64_t bytes_per_element = 2;
  bool stack_weights_in_l2 = false;
  StepPrediction decode;
  StepPrediction prefill;
  double decode_tokens_per_s = 0;  // batch / decode step time
  GenerationPrediction generation;
  MemoryPrediction memory;
};

// Costs every op of plan_step(config, shape).
StepPrediction predict_step(const ModelConfig& config, const StepShape& shape, const CostParams& params,
                            OpDetail detail);

// Throws InputError for a bad config, request or calibration (naming the field).
Prediction predict(const ModelConfig& config, const HardwareSpec& hardware, const PredictRequest& request,
                   const Calibration* calibration = nullptr);

// The memory part alone (sweeps use it beside the fast step costing).
MemoryPrediction predict_memory(const ModelConfig& config, const HardwareSpec& hardware, Ceiling ceiling,
                                std::int64_t batch, std::int64_t kv_capacity_tokens,
                                std::int64_t activation_peak_bytes);

}  // namespace looplab
