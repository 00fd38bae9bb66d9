// The simulator behind a small interface: the what-if panel and the sweep explorer ask it for a
// prediction of one configuration on one hardware spec. Calls are cheap (microseconds), so the
// GUI calls it on every edit, on the GUI thread.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "gui/models/snapshots.hpp"

namespace looplab::gui {

struct WhatIfRequest {
  std::string configJson;  // the run's ModelConfig; the fields below override it
  Variant variant = Variant::vanilla;
  std::int64_t loops = 1;
  std::int64_t window = 64;
  std::int64_t batch = 1;
  std::int64_t contextLen = 1;
  std::string hardware;  // spec name, e.g. "h200", "host"
  // The run's stored spec of that name (store runs keep the spec they were predicted with, so a
  // measured `host` spec need not be in data/hardware). Empty: the spec comes from data/hardware.
  std::string hardwareJson;
};

class Predictor {
 public:
  virtual ~Predictor() = default;
  virtual std::vector<std::string> hardwareNames() const = 0;
  // Throws InputError naming the field for an impossible request.
  virtual Prediction predict(const WhatIfRequest& request) const = 0;
};

// The simulator when this build has it, else nullptr (the panels then say so).
std::unique_ptr<Predictor> makeDefaultPredictor();

}  // namespace looplab::gui
