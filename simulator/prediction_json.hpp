// Machine output of predictions: JSON for `--json` and the GUI, CSV of the per-op table.
#pragma once
#include <nlohmann/json.hpp>
#include <ostream>

#include "simulator/predict.hpp"

namespace looplab {

nlohmann::json totals_to_json(const CostTotals& t);
nlohmann::json step_to_json(const StepPrediction& s);
// A step's totals and its time per op kind, without the per-op and per-loop lists.
nlohmann::json step_summary_json(const StepPrediction& s);
// `summary`: the steps as step_summary_json (a few kB instead of hundreds: sweep scripts).
nlohmann::json prediction_to_json(const Prediction& p, bool summary = false);

// One row per op of the step: index, name, kind, layer, loops, pass, shape, FLOPs, bytes by
// category, times and bound.
void write_op_csv(std::ostream& out, const StepPrediction& s, const char* phase_label);
const char* op_csv_header();

}  // namespace looplab
