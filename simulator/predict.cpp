// predict(): plan the decode step and the prefill with plan_step, cost every op, sum a whole
// generation with the fast step coster, and add up memory against the device's capacity.
#include "simulator/predict.hpp"

#include <algorithm>
#include <cmath>

#include "engine/core/error.hpp"
#include "engine/core/kv.hpp"
#include "simulator/step_coster.hpp"

namespace looplab {

std::string_view to_string(MemoryVerdict v) { return v == MemoryVerdict::fits ? "fits" : "out_of_memory"; }

StepPrediction predict_step(const ModelConfig& c, const StepShape& shape, const CostParams& p, OpDetail detail) {
  const StepPlan plan = plan_step(c, shape);
  StepPrediction s;
  s.shape = shape;
  s.passes = plan.passes;
  if (detail == OpDetail::every_op) s.ops.reserve(plan.ops.size());
  const double E = p.bytes_per_element;
  const double d = static_cast<double>(c.hidden);
  double peak = 0;
  for (std::size_t i = 0; i < plan.ops.size(); ++i) {
    const OpDesc& op = plan.ops[i];
    const OpCost cost = cost_op(op, p);
    s.total.add(cost);
    s.by_kind[static_cast<std::size_t>(op.kind)].add(cost);
    auto it = std::find_if(s.by_loop.begin(), s.by_loop.end(),
                           [&](const LoopTotals& l) { return l.loop_lo == op.loop_lo && l.loop_hi == op.loop_hi; });
    if (it == s.by_loop.end()) {
      s.by_loop.push_back({op.loop_lo, op.loop_hi, {}});
      it = s.by_loop.end() - 1;
    }
    it->totals.add(cost);
    peak = std::max(peak, live_activation_bytes(op, cost, c.hidden, p));
    if (detail == OpDetail::every_op) s.ops.push_back({static_cast<std::int32_t>(i), op, cost});
  }
  add_engine_overhead(s.total, p, shape.batch, shape.phase == Phase::prefill);
  if (shape.phase == Phase::prefill && is_cross_loop(c.variant) && plan.loops > 1)
    peak += static_cast<double>(shape.batch * shape.context_len) * d * E;  // E kept for re-injection
  s.activation_peak_bytes = static_cast<std::int64_t>(std::ceil(peak));
  return s;
}

MemoryPrediction predict_memory(const ModelConfig& c, const HardwareSpec& hw, Ceiling ceiling, std::int64_t batch,
                                std::int64_t capacity, std::int64_t activation_peak_bytes) {
  MemoryPrediction m;
  const std::int64_t bpe = hw.bytes_per_element(c.dtype);
  m.weight_bytes = c.parameter_count() * bpe;
  m.kv_capacity_tokens = capacity;
  m.kv_bytes = kv_bytes_formula(c, batch, capacity, bpe);
  m.activation_peak_bytes = activation_peak_bytes;
  const double total = static_cast<double>(m.weight_bytes) + static_cast<double>(m.kv_bytes) +
                       static_cast<double>(activation_peak_bytes);
  if (total > 9.0e18) throw InputError("batch", "memory total overflows 64 bits");
  m.total_bytes = m.weight_bytes + m.kv_bytes + activation_peak_bytes;
  m.device_bytes = static_cast<std::int64_t>(hw.memory_bytes.value(ceiling));
  m.verdict = m.total_bytes <= m.device_bytes ? MemoryVerdict::fits : MemoryVerdict::out_of_memory;
  return m;
}

Prediction predict(const ModelConfig& c, const HardwareSpec& hw, const PredictRequest& r, const Calibration* cal) {
  validate(c);
  if (r.batch < 1) throw InputError("batch", std::to_string(r.batch) + " must be >= 1");
  if (r.context < 1) throw InputError("context", std::to_string(r.context) + " must be >= 1");
  if (r.prompt < 0) throw InputError("prompt", std::to_string(r.prompt) + " must be >= 0");
  // The decode step is costed at `context` keys: a prompt longer than that is a contradiction.
  if (r.prompt > r.context)
    throw InputError("prompt", std::to_string(r.prompt) + " is longer than the decode context " +
                                   std::to_string(r.context) + " (the decode step sees the prompt and what follows)");
  if (r.generate < 0 || r.generate > kMaxGenerateTokens)
    throw InputError("generate", std::to_string(r.generate) + " must be in 0.." + std::to_string(kMaxGenerateTokens));
  const std::int64_t P = r.prompt > 0 ? r.prompt : r.context;
  if (r.generate > 0 && P > INT64_MAX - r.generate) throw InputError("generate", "prompt + generate overflows");

  const CostParams params = make_cost_params(c, hw, r.cost, cal, r.efficiency);
  Prediction out;
  out.config = c;
  out.hardware = hw.name;
  out.hardware_kind = hw.kind;
  out.request = r;
  out.request.prompt = P;
  out.ceiling = cal ? cal->ceiling : r.cost.ceiling;
  if (cal)
    out.calibration = "fitted on " + cal->provenance.hardware + " from " + cal->provenance.records + ", engine " +
                      cal->provenance.engine_commit + ", " + cal->provenance.date;
  out.bytes_per_element = hw.bytes_per_element(c.dtype);
  out.stack_weights_in_l2 = params.stack_weights_in_l2;

  out.decode = predict_step(c, {Phase::decode, r.batch, r.context}, params, r.detail);
  out.prefill = predict_step(c, {Phase::prefill, r.batch, P}, params, r.detail);
  out.decode_tokens_per_s = static_cast<double>(r.batch) / out.decode.total.time_s;

  GenerationPrediction& g = out.generation;
  g.prompt_tokens = P;
  g.new_tokens = r.generate;
  std::int64_t capacity = std::max(r.context, P);
  if (r.generate > 0) {
    g.prefill_s = out.prefill.total.time_s;
    DecodeStepCoster coster(c, params);
    g.decode_s = coster.time_of_contexts_s(r.batch, P + 1, P + r.generate - 1);
    g.total_s = g.prefill_s + g.decode_s;
    g.tokens_per_s = static_cast<double>(r.batch * r.generate) / g.total_s;
    capacity = std::max(capacity, P + r.generate - 1);
  }
  out.memory = predict_memory(c, hw, out.ceiling, r.batch, capacity,
                              std::max(out.decode.activation_peak_bytes, out.prefill.activation_peak_bytes));
  return out;
}

}  // namespace looplab
