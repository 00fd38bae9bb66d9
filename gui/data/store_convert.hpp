// Conversion of the results store's records (store/records.hpp) into the GUI's snapshots: one
// summary per run (with its noise verdict), and one run's decode step op by op (measured median
// and mean next to predicted), its kind table as store/summary.hpp defines it for the CLI, its
// statistics and machine state, its step latencies, a representative step's spans, kernels and
// unattributed time, and its hardware ceilings.
#pragma once
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/core/config.hpp"
#include "gui/models/snapshots.hpp"
#include "store/records.hpp"

namespace looplab::gui {

// Parsed run configs by their JSON text: a store of 100,000 runs holds few distinct configs.
class ConfigCache {
 public:
  // nullptr when the JSON is not a valid config.
  const ModelConfig* get(const std::string& json);

 private:
  std::unordered_map<std::string, std::optional<ModelConfig>> m_configs;
};

// Bytes per element the run's backend stores: fp32 on the CPU backend, the config's dtype on GPUs.
std::int64_t runElementBytes(const std::string& backend, const ModelConfig& config);

RunSummary summaryFromStore(const store::RunInfo& info, ConfigCache& configs);

// The ceilings of a stored hardware spec JSON (the simulator's data/hardware format): memory
// bandwidth and peak FLOP/s for the dtype the run computed in, datasheet and measured.
HardwareCeilings ceilingsFromSpecJson(const std::string& name, const std::string& specJson, DType dtype);

// Rows of one run as the store streams them: steps, ops, predictions and kernels are read.
RunDetail detailFromStore(const store::RunInfo& info, const store::RunRows& rows, ConfigCache& configs);

// "attn_global" -> OpKind; nullopt for names this build does not know.
std::optional<OpKind> parseOpKind(const std::string& name);
Bound parseBound(const std::string& name);

}  // namespace looplab::gui
