// Gate suites: the workloads a performance gate measures and the threshold of each metric, read
// from JSON (studies/ci/suite.json is the project's own). A workload is a model preset with
// overrides, the shapes of the work and the repetition policy of its measurement; `looplab gate
// run SUITE` measures every workload and stores it under a label, `looplab gate compare --suite`
// judges each metric against the suite's threshold. A typo is an InputError naming the key.
#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "lab/measure.hpp"

namespace looplab::lab {

// The metrics a gate judges, in report order:
//   "decode step", "prefill"                      measured, pooled over every step of every run
//   "predicted decode step", "predicted prefill"  the simulator's prediction stored with the runs
//                                                 (deterministic: simulator drift shows here)
//   "kv bytes"                                    the KV cache the engine allocated, exactly (threshold 0:
//                                                 any growth is a regression)
inline const std::vector<std::string>& gate_metric_names() {
  static const std::vector<std::string> names{"decode step", "prefill", "predicted decode step", "predicted prefill",
                                              "kv bytes"};
  return names;
}
// The metric names as one quoted list, for error messages.
std::string gate_metric_list();

using Thresholds = std::map<std::string, double>;  // metric name -> relative threshold

struct SuiteWorkload {
  std::string name;        // unique in the suite: "small-plt-b4"
  MeasureRequest request;  // config, shapes, backend, repetition policy (label set by the caller)
  Thresholds thresholds;   // every metric: the workload's, else the suite's, else the default
};

struct Suite {
  std::string name, description;
  std::vector<SuiteWorkload> workloads;
};

inline constexpr double kDefaultThreshold = 0.05;
// A metric's threshold when neither the workload nor the suite gives one: exact metrics get 0.
double default_threshold(const std::string& metric, double fallback = kDefaultThreshold);

Suite suite_from_json(const nlohmann::json& j, const std::string& where);
Suite load_suite(const std::string& file);  // throws InputError("suite", ...) when unreadable

// What defines a run's work apart from the backend (which `auto` resolves only when it runs):
// the model config as JSON, batch, prompt and decode steps. Runs and suite workloads meet on it.
std::string work_key(const std::string& config_json, std::int64_t batch, std::int64_t prompt_len,
                     std::int64_t decode_steps);
std::string work_key(const SuiteWorkload& w);

}  // namespace looplab::lab
