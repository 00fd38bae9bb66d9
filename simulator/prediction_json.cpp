// JSON and CSV forms of predictions.
#include "simulator/prediction_json.hpp"

#include <cstdio>

namespace looplab {

using nlohmann::json;

json totals_to_json(const CostTotals& t) {
  return {{"time_s", t.time_s},
          {"flops", t.flops},
          {"bytes", t.bytes()},
          {"weight_bytes", t.weight_bytes},
          {"activation_bytes", t.activation_bytes},
          {"kv_read_bytes", t.kv_read_bytes},
          {"kv_write_bytes", t.kv_write_bytes},
          {"ops", t.ops},
          {"time_memory_bound_s", t.time_by_bound_s[0]},
          {"time_compute_bound_s", t.time_by_bound_s[1]},
          {"time_launch_bound_s", t.time_by_bound_s[2]},
          {"engine_overhead_s", t.engine_s},
          {"dominant_bound", std::string(to_string(t.dominant_bound()))}};
}

json step_to_json(const StepPrediction& s) {
  json kinds = json::object();
  for (int k = 0; k < kOpKindCount; ++k) {
    const CostTotals& t = s.by_kind[static_cast<std::size_t>(k)];
    if (t.ops > 0) kinds[std::string(to_string(static_cast<OpKind>(k)))] = totals_to_json(t);
  }
  json loops = json::array();
  for (const LoopTotals& l : s.by_loop) {
    json j = totals_to_json(l.totals);
    j["loop_lo"] = l.loop_lo;
    j["loop_hi"] = l.loop_hi;
    loops.push_back(j);
  }
  json ops = json::array();
  for (const OpPrediction& o : s.ops) {
    ops.push_back({{"id", o.index},
                   {"name", op_name(o.op)},
                   {"kind", std::string(to_string(o.op.kind))},
                   {"layer", o.op.layer},
                   {"loop_lo", o.op.loop_lo},
                   {"loop_hi", o.op.loop_hi},
                   {"pass", o.op.pass},
                   {"rows", o.op.rows},
                   {"n", o.op.n},
                   {"k", o.op.k},
                   {"kv_len", o.op.kv_len},
                   {"flops", o.cost.flops},
                   {"weight_bytes", o.cost.weight_bytes},
                   {"activation_bytes", o.cost.activation_bytes},
                   {"kv_read_bytes", o.cost.kv_read_bytes},
                   {"kv_write_bytes", o.cost.kv_write_bytes},
                   {"compute_s", o.cost.compute_s},
                   {"memory_s", o.cost.memory_s},
                   {"overhead_s", o.cost.overhead_s},
                   {"time_s", o.cost.time_s},
                   {"bound", std::string(to_string(o.cost.bound))}});
  }
  return {{"phase", std::string(to_string(s.shape.phase))},
          {"batch", s.shape.batch},
          {"context", s.shape.context_len},
          {"passes", s.passes},
          {"total", totals_to_json(s.total)},
          {"by_kind", kinds},
          {"by_loop", loops},
          {"activation_peak_bytes", s.activation_peak_bytes},
          {"ops", ops}};
}

json step_summary_json(const StepPrediction& s) {
  json kinds = json::object();
  for (int k = 0; k < kOpKindCount; ++k) {
    const CostTotals& t = s.by_kind[static_cast<std::size_t>(k)];
    if (t.ops > 0) kinds[std::string(to_string(static_cast<OpKind>(k)))] = t.time_s;
  }
  return {{"phase", std::string(to_string(s.shape.phase))},
          {"batch", s.shape.batch},
          {"context", s.shape.context_len},
          {"passes", s.passes},
          {"total", totals_to_json(s.total)},
          {"by_kind_time_s", kinds},
          {"activation_peak_bytes", s.activation_peak_bytes}};
}

json prediction_to_json(const Prediction& p, bool summary) {
  const GenerationPrediction& g = p.generation;
  const MemoryPrediction& m = p.memory;
  return {{"config", config_to_json(p.config)},
          {"hardware", p.hardware},
          {"hardware_kind", std::string(to_string(p.hardware_kind))},
          // The host runs its ops as plain calls: no graph or stream launch to name.
          {"launch",
           p.hardware_kind == HardwareKind::host ? std::string("none") : std::string(to_string(p.request.cost.launch))},
          {"engine", p.hardware_kind == HardwareKind::host ? std::string("looplab-cpu") : p.request.cost.engine_name()},
          {"cost_model", std::string(to_string(p.request.cost.model))},
          {"ceiling", std::string(to_string(p.ceiling))},
          {"calibration", p.calibration},
          {"bytes_per_element", p.bytes_per_element},
          {"stack_weights_in_l2", p.stack_weights_in_l2},
          {"batch", p.request.batch},
          {"context", p.request.context},
          {"decode_step_s", p.decode.total.time_s},
          {"decode_tokens_per_s", p.decode_tokens_per_s},
          {"prefill_s", p.prefill.total.time_s},
          {"generation",
           {{"prompt_tokens", g.prompt_tokens},
            {"new_tokens", g.new_tokens},
            {"prefill_s", g.prefill_s},
            {"decode_s", g.decode_s},
            {"total_s", g.total_s},
            {"tokens_per_s", g.tokens_per_s}}},
          {"memory",
           {{"weight_bytes", m.weight_bytes},
            {"kv_bytes", m.kv_bytes},
            {"kv_capacity_tokens", m.kv_capacity_tokens},
            {"activation_peak_bytes", m.activation_peak_bytes},
            {"total_bytes", m.total_bytes},
            {"device_bytes", m.device_bytes},
            {"verdict", std::string(to_string(m.verdict))}}},
          {"decode", summary ? step_summary_json(p.decode) : step_to_json(p.decode)},
          {"prefill", summary ? step_summary_json(p.prefill) : step_to_json(p.prefill)}};
}

const char* op_csv_header() {
  return "phase,id,name,kind,layer,loop_lo,loop_hi,pass,rows,n,k,kv_len,flops,weight_bytes,activation_bytes,"
         "kv_read_bytes,kv_write_bytes,compute_s,memory_s,overhead_s,time_s,bound\n";
}

void write_op_csv(std::ostream& out, const StepPrediction& s, const char* phase_label) {
  char buf[512];
  for (const OpPrediction& o : s.ops) {
    std::snprintf(buf, sizeof buf,
                  "%s,%d,%s,%s,%d,%d,%d,%d,%lld,%lld,%lld,%lld,%.17g,%.17g,%.17g,%.17g,%.17g,%.9g,%.9g,%.9g,%.9g,%s\n",
                  phase_label, o.index, op_name(o.op).c_str(), std::string(to_string(o.op.kind)).c_str(), o.op.layer,
                  o.op.loop_lo, o.op.loop_hi, o.op.pass, static_cast<long long>(o.op.rows),
                  static_cast<long long>(o.op.n), static_cast<long long>(o.op.k), static_cast<long long>(o.op.kv_len),
                  o.cost.flops, o.cost.weight_bytes, o.cost.activation_bytes, o.cost.kv_read_bytes,
                  o.cost.kv_write_bytes, o.cost.compute_s, o.cost.memory_s, o.cost.overhead_s, o.cost.time_s,
                  std::string(to_string(o.cost.bound)).c_str());
    out << buf;
  }
}

}  // namespace looplab
