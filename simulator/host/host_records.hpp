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

namespace looplab {

struct HostRecordOptions {
  std::vector<std::string> models = {"small"};  // presets or files
  std::vector<Variant> variants = {std::begin(kAllVariants), std::end(kAllVariants)};
  std::vector<std::int64_t> batches = {1, 4};
  std::vector<std::int64_t> prompts = {16, 96};
  std::int64_t loops = 2;
  std::int64_t steps = 24;    // generated tokens per generation (decode steps + the prefill)
  std::int64_t repeats = 5;   // measured generations per config; each op keeps its median
  std::string hardware = "host";
};

// Called after each (model, variant, batch, prompt) with a line saying what was measured.
using HostRecordProgress = std::function<void(const std::string&)>;

RecordSet measure_host_records(const HostRecordOptions& options, const HostRecordProgress& progress = {});

}  // namespace looplab
