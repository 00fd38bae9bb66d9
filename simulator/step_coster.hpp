// Fast decode-step costing for sweeps and generation: a shape class (one config on one hardware
// with fixed cost parameters) plans layer 0 of each pass with plan_layer(), costs it once and
// multiplies by the layer count. No allocation once a batch's ops outside the stack are costed.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "engine/core/config.hpp"
#include "engine/core/plan.hpp"
#include "simulator/op_cost.hpp"
#include "simulator/totals.hpp"

namespace looplab {

class DecodeStepCoster {
 public:
  // Throws InputError for an invalid config.
  DecodeStepCoster(const ModelConfig& config, const CostParams& params);

  // Totals of the decode step at (batch, context); the reference stays valid until the next call.
  // The ops outside the layer stack (embed, state_save, final_norm, lm_head, argmax) do not
  // depend on the context; their costs are kept for the last kOuterCache batches, so only a
  // batch not seen recently re-plans (and allocates).
  const CostTotals& cost(std::int64_t batch, std::int64_t context);

  // Activation peak estimate of the last costed step (the rule of StepPrediction).
  std::int64_t activation_peak_bytes() const { return activation_peak_bytes_; }

  // Sum of the decode steps at contexts first..last (inclusive): the steps of a generation.
  double time_of_contexts_s(std::int64_t batch, std::int64_t first, std::int64_t last);

  const ModelConfig& config() const { return config_; }
  const CostParams& params() const { return params_; }

 private:
  struct PassRange {
    std::int32_t loop_lo, loop_hi, pass;
  };
  struct OuterCost {
    std::int64_t batch = -1;
    CostTotals totals;
    double peak_bytes = 0;
  };
  static constexpr std::size_t kOuterCache = 8;
  const OuterCost& outer(std::int64_t batch);
  // Activation bytes live during an op: its inputs and outputs plus the residual of its rows.
  double live_bytes(const OpDesc& op, const OpCost& c) const;

  ModelConfig config_;
  CostParams params_;
  std::vector<PassRange> passes_;
  std::array<OuterCost, kOuterCache> outer_{};
  std::size_t outer_next_ = 0;  // round-robin replacement
  std::int64_t activation_peak_bytes_ = 0;
  std::vector<OpDesc> scratch_;
  CostTotals result_;
};

}  // namespace looplab
