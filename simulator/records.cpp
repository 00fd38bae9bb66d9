// Reading and writing measured op records.
#include "simulator/records.hpp"

#include "engine/core/error.hpp"
#include "simulator/json_fields.hpp"
#include "simulator/op_cost.hpp"

namespace looplab {

using nlohmann::json;

RecordSet records_from_json(const json& j, const std::string& where) {
  jsonf::object(j, "records", where);
  jsonf::only_keys(j, {"hardware", "engine_commit", "launch", "runs"}, "", where);
  RecordSet r;
  r.hardware = jsonf::string(jsonf::require(j, "hardware", "hardware", where), "hardware", where);
  r.engine_commit = jsonf::string(jsonf::require(j, "engine_commit", "engine_commit", where), "engine_commit", where);
  if (auto it = j.find("launch"); it != j.end()) {
    const std::string s = jsonf::string(*it, "launch", where);
    auto m = parse_launch_mode(s);
    if (!m) throw InputError("launch", "'" + s + "' is not one of graph, stream (in " + where + ")");
    r.launch = *m;
  }
  const json& runs = jsonf::array(jsonf::require(j, "runs", "runs", where), "runs", where);
  if (runs.empty()) throw InputError("runs", "is empty (in " + where + ")");
  for (std::size_t ri = 0; ri < runs.size(); ++ri) {
    const std::string rf = "runs[" + std::to_string(ri) + "]";
    const json& run = jsonf::object(runs[ri], rf, where);
    jsonf::only_keys(run, {"model", "variant", "loops", "window", "dtype", "steps"}, rf + ".", where);
    const json& m = jsonf::require(run, "model", rf + ".model", where);
    ModelConfig c = m.is_string() ? load_model(m.get<std::string>()) : config_from_json(m, where + " " + rf + ".model");
    if (auto it = run.find("variant"); it != run.end()) {
      const std::string s = jsonf::string(*it, rf + ".variant", where);
      auto v = parse_variant(s);
      if (!v) throw InputError(rf + ".variant", "'" + s + "' is not a variant (in " + where + ")");
      c.variant = *v;
    }
    if (auto it = run.find("loops"); it != run.end()) c.loops = jsonf::integer(*it, rf + ".loops", where);
    if (auto it = run.find("window"); it != run.end()) c.window = jsonf::integer(*it, rf + ".window", where);
    if (auto it = run.find("dtype"); it != run.end()) {
      const std::string s = jsonf::string(*it, rf + ".dtype", where);
      auto t = parse_dtype(s);
      if (!t) throw InputError(rf + ".dtype", "'" + s + "' is not one of f32, bf16 (in " + where + ")");
      c.dtype = *t;
    }
    validate(c);
    const json& steps = jsonf::array(jsonf::require(run, "steps", rf + ".steps", where), rf + ".steps", where);
    for (std::size_t si = 0; si < steps.size(); ++si) {
      const std::string sf = rf + ".steps[" + std::to_string(si) + "]";
      const json& s = jsonf::object(steps[si], sf, where);
      jsonf::only_keys(s, {"phase", "batch", "context", "op_time_s"}, sf + ".", where);
      StepRecord rec;
      rec.config = c;
      const std::string phase = jsonf::string(jsonf::require(s, "phase", sf + ".phase", where), sf + ".phase", where);
      if (phase != "prefill" && phase != "decode")
        throw InputError(sf + ".phase", "'" + phase + "' is not one of prefill, decode (in " + where + ")");
      rec.shape.phase = phase == "prefill" ? Phase::prefill : Phase::decode;
      rec.shape.batch = jsonf::integer(jsonf::require(s, "batch", sf + ".batch", where), sf + ".batch", where);
      rec.shape.context_len =
          jsonf::integer(jsonf::require(s, "context", sf + ".context", where), sf + ".context", where);
      const json& t = jsonf::array(jsonf::require(s, "op_time_s", sf + ".op_time_s", where), sf + ".op_time_s", where);
      for (std::size_t i = 0; i < t.size(); ++i)
        rec.op_time_s.push_back(jsonf::number(t[i], sf + ".op_time_s[" + std::to_string(i) + "]", where));
      r.steps.push_back(std::move(rec));
    }
  }
  return r;
}

RecordSet load_records(const std::string& file) {
  return records_from_json(jsonf::parse_file(file, "records"), std::filesystem::path(file).filename().string());
}

json records_to_json(const RecordSet& r) {
  json runs = json::array();
  for (const StepRecord& s : r.steps) {
    runs.push_back({{"model", config_to_json(s.config)},
                    {"steps", json::array({{{"phase", std::string(to_string(s.shape.phase))},
                                            {"batch", s.shape.batch},
                                            {"context", s.shape.context_len},
                                            {"op_time_s", s.op_time_s}}})}});
  }
  return {{"hardware", r.hardware},
          {"engine_commit", r.engine_commit},
          {"launch", std::string(to_string(r.launch))},
          {"runs", runs}};
}

std::vector<OpSample> samples_from_records(const RecordSet& r, const HardwareSpec& hw, Ceiling ceiling) {
  std::vector<OpSample> out;
  for (std::size_t i = 0; i < r.steps.size(); ++i) {
    const StepRecord& s = r.steps[i];
    const CostParams params = make_cost_params(s.config, hw, {r.launch, ceiling});
    const StepPlan plan = plan_step(s.config, s.shape);
    try {
      append_step_samples(plan, params, s.op_time_s, static_cast<std::int64_t>(i), out);
    } catch (const InputError& e) {
      throw InputError("steps[" + std::to_string(i) + "]." + e.field(),
                       std::string(e.what()).substr(e.field().size() + 2));
    }
  }
  return out;
}

}  // namespace looplab
