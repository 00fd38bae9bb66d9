// DecodeStepCoster: the pass structure comes from one plan_step() call; each step re-plans only
// layer 0 of each pass, so the op shapes are always the plan's own.
#include "simulator/step_coster.hpp"

#include <algorithm>
#include <cmath>

#include "engine/core/error.hpp"

namespace looplab {

double DecodeStepCoster::live_bytes(const OpDesc& op, const OpCost& c) const {
  return live_activation_bytes(op, c, config_.hidden, params_);
}

DecodeStepCoster::DecodeStepCoster(const ModelConfig& config, const CostParams& params)
    : config_(config), params_(params) {
  const StepPlan plan = plan_step(config_, {Phase::decode, 1, 1});
  for (const OpDesc& op : plan.ops) {
    if (op.layer != 0) continue;
    auto it = std::find_if(passes_.begin(), passes_.end(), [&](const PassRange& r) { return r.pass == op.pass; });
    if (it == passes_.end()) {
      passes_.push_back({op.loop_lo, op.loop_hi, op.pass});
    } else {
      it->loop_lo = std::min(it->loop_lo, op.loop_lo);
      it->loop_hi = std::max(it->loop_hi, op.loop_hi);
    }
  }
  scratch_.reserve(32);
}

const DecodeStepCoster::OuterCost& DecodeStepCoster::outer(std::int64_t batch) {
  for (const OuterCost& o : outer_)
    if (o.batch == batch) return o;
  OuterCost& o = outer_[outer_next_];
  outer_next_ = (outer_next_ + 1) % kOuterCache;
  const StepPlan plan = plan_step(config_, {Phase::decode, batch, 1});
  o = OuterCost{};
  for (const OpDesc& op : plan.ops) {
    if (op.layer >= 0) continue;
    const OpCost c = cost_op(op, params_);
    o.totals.add(c);
    o.peak_bytes = std::max(o.peak_bytes, live_bytes(op, c));
  }
  o.batch = batch;
  return o;
}

const CostTotals& DecodeStepCoster::cost(std::int64_t batch, std::int64_t context) {
  if (batch < 1) throw InputError("batch", std::to_string(batch) + " must be >= 1");
  if (context < 1) throw InputError("context", std::to_string(context) + " must be >= 1");
  const OuterCost& o = outer(batch);
  result_ = o.totals;
  const StepShape shape{Phase::decode, batch, context};
  const auto layers = static_cast<double>(config_.layers);
  double peak = o.peak_bytes;
  for (const PassRange& r : passes_) {
    scratch_.clear();
    plan_layer(config_, shape, 0, r.loop_lo, r.loop_hi, r.pass, scratch_);
    for (const OpDesc& op : scratch_) {
      const OpCost c = cost_op(op, params_);
      result_.add(c, layers);
      peak = std::max(peak, live_bytes(op, c));
    }
  }
  add_engine_overhead(result_, params_, batch, false);
  activation_peak_bytes_ = static_cast<std::int64_t>(std::ceil(peak));
  return result_;
}

double DecodeStepCoster::time_of_contexts_s(std::int64_t batch, std::int64_t first, std::int64_t last) {
  double t = 0;
  for (std::int64_t ctx = first; ctx <= last; ++ctx) t += cost(batch, ctx).time_s;
  return t;
}

}  // namespace looplab
