// Measured op records for `looplab calibrate`: steps of known (config, phase, batch, context)
// with one measured time per plan op. The profiler writes them; the store will hold them later.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/core/config.hpp"
#include "engine/core/plan.hpp"
#include "simulator/calibrate.hpp"
#include "simulator/hardware.hpp"

namespace looplab {

struct StepRecord {
  ModelConfig config;
  StepShape shape;
  std::vector<double> op_time_s;  // op_time_s[i]: measured time of plan_step(config, shape).ops[i]
};

struct RecordSet {
  std::string hardware;       // spec name or path the steps ran on
  std::string engine_commit;  // engine build that measured them
  LaunchMode launch = LaunchMode::graph;
  std::vector<StepRecord> steps;
};

// Format (docs/simulator.md): {"hardware", "engine_commit", "launch", "runs": [{"model": NAME or
// {config}, "variant"?, "loops"?, "window"?, "dtype"?, "steps": [{"phase", "batch", "context",
// "op_time_s": [...]}]}]}. Throws InputError naming the key.
RecordSet records_from_json(const nlohmann::json& j, const std::string& where);
RecordSet load_records(const std::string& file);
// Writes each step as its own run with the full config inline.
nlohmann::json records_to_json(const RecordSet& r);

// Samples for the fit, costed on `hw` under `ceiling` (the byte counts use its element size).
std::vector<OpSample> samples_from_records(const RecordSet& r, const HardwareSpec& hw, Ceiling ceiling);

}  // namespace looplab
