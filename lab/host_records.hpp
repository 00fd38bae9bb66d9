// Measured op records of the CPU backend: every plan op of every step timed with a StepObserver
// (steady clock), each op's median over repeated generations. bench/simulator/host_records and
// the measured calibration test share it.
#pragma once
#include <cstdint>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "engine/core/variant.hpp"
#include "simulator/records.hpp"
#include "store/records.hpp"

namespace looplab {

struct HostRecordOptions {
  std::vector<std::string> models = {"small"};  // presets or files
  std::vector<Variant> variants = {std::begin(kAllVariants), std::end(kAllVariants)};
  std::vector<std::int64_t> batches = {1, 4};
  std::vector<std::int64_t> prompts = {16, 96};
  std::int64_t loops = 2;
  std::int64_t steps = 24;   // generated tokens per generation (decode steps + the prefill)
  std::int64_t repeats = 5;  // measured generations per config; each op keeps its median
  std::string hardware = "host";
};

// Called after each (model, variant, batch, prompt) with a line saying what was measured.
using HostRecordProgress = std::function<void(const std::string&)>;

// How noisy the measurement was: the machine around it, and how much a step's total time moved
// between repeats (the records keep each op's median, so this is what that median smooths).
struct HostRecordNoise {
  store::MachineState machine;  // others_cpu_s, steal, window: lab/machine_state.hpp
  double step_spread = 0;       // median over steps of 1.4826 MAD / median of the step's repeats
  std::string busy;             // why the machine counts as busy; "" when it was not
};

RecordSet measure_host_records(const HostRecordOptions& options, const HostRecordProgress& progress = {},
                               HostRecordNoise* noise = nullptr);

}  // namespace looplab
