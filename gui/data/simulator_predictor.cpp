// The simulator as the GUI's Predictor: looplab::predict() for a run's config with the what-if
// overrides, mapped into a Prediction snapshot.
#include <map>
#include <nlohmann/json.hpp>

#include "engine/core/error.hpp"
#include "gui/data/predictor.hpp"
#include "simulator/predict.hpp"

namespace looplab::gui {

namespace {

Bound boundOf(looplab::Bound b) {
  switch (b) {
    case looplab::Bound::memory:
      return Bound::memory;
    case looplab::Bound::compute:
      return Bound::compute;
    case looplab::Bound::launch:
      return Bound::launch;
  }
  return Bound::unknown;
}

class SimulatorPredictor final : public Predictor {
 public:
  std::vector<std::string> hardwareNames() const override { return hardware_names(); }

  Prediction predict(const WhatIfRequest& request) const override {
    ModelConfig config = parse_config_text(request.configJson, "run config");
    config.variant = request.variant;
    config.loops = request.variant == Variant::vanilla ? 1 : request.loops;
    config.window = request.window;
    validate(config);
    PredictRequest pr;
    pr.batch = request.batch;
    pr.context = request.contextLen;
    pr.generate = 0;  // one decode step and the memory are all the panel shows
    pr.detail = OpDetail::every_op;
    const looplab::Prediction p = looplab::predict(config, spec(request), pr);
    Prediction out;
    out.stepS = p.decode.total.time_s;
    out.kvBytes = p.memory.kv_bytes;
    out.weightBytes = p.memory.weight_bytes;
    out.tokensPerS = p.decode_tokens_per_s;
    out.fitsInMemory = p.memory.verdict == MemoryVerdict::fits;
    out.ops.reserve(p.decode.ops.size());
    for (const OpPrediction& op : p.decode.ops) {
      OpRecord r;
      r.index = op.index;
      r.name = op_name(op.op);
      r.kind = op.op.kind;
      r.layer = op.op.layer;
      r.loopLo = op.op.loop_lo;
      r.loopHi = op.op.loop_hi;
      r.predictedS = op.cost.time_s;
      r.flops = op.cost.flops;
      r.bytes = op.cost.bytes();
      r.bound = boundOf(op.cost.bound);
      out.ops.push_back(std::move(r));
    }
    return out;
  }

 private:
  // Specs are read once per name (or per stored JSON): the panel predicts on every keystroke.
  const HardwareSpec& spec(const WhatIfRequest& r) const {
    const std::string key = r.hardware + '\n' + r.hardwareJson;
    auto it = m_specs.find(key);
    if (it == m_specs.end()) {
      HardwareSpec h;
      if (!r.hardwareJson.empty()) {
        nlohmann::json j;
        try {
          j = nlohmann::json::parse(r.hardwareJson);
        } catch (const std::exception& e) {
          throw InputError("hardware", "the run's stored spec is not JSON: " + std::string(e.what()));
        }
        h = hardware_from_json(j, r.hardware, "the run's stored hardware spec");
      } else {
        h = load_hardware(r.hardware);
      }
      it = m_specs.emplace(key, std::move(h)).first;
    }
    return it->second;
  }

  mutable std::map<std::string, HardwareSpec> m_specs;
};

}  // namespace

std::unique_ptr<Predictor> makeDefaultPredictor() { return std::make_unique<SimulatorPredictor>(); }

}  // namespace looplab::gui
