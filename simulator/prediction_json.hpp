// Machine output of predictions: JSON for `--json` and the GUI, CSV of the per-op table.
#pragma once
#include <nlohmann/json.hpp>
#include <ostream>

#include "simulator/predict.hpp"

namespace looplab {

nlohmann::json totals_to_json(const CostTotals& t);
nlohmann::json step_to_json(const StepPrediction& s);
nlohmann::json prediction_to_json(const Prediction& p);

// One row per op of the step: index, name, kind, layer, loops, pass, shape, FLOPs, bytes by
// category, times and bound.
void write_op_csv(std::ostream& out, const StepPrediction& s, const char* phase_label);
const char* op_csv_header();

}  // namespace looplab
