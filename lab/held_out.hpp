// Held-out means held-out: a calibration judged on whole configurations it was not fitted on.
// Leave-configuration-out: for each configuration (one model config at one batch and prompt:
// its prefill and the decode steps that follow), fit on every other configuration's records and
// predict this one's steps. The pooled errors of those predictions are the figure looplab
// reports for a calibration's accuracy; the error on the fitted records is in-sample and named so.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "simulator/calibration.hpp"
#include "simulator/hardware.hpp"
#include "simulator/records.hpp"
#include "store/store.hpp"

namespace looplab::lab {

// Configuration index of every record: a new configuration starts at each prefill record, and
// wherever the model config or the batch changes.
std::vector<std::int64_t> configuration_of_records(const RecordSet& records);

struct StepErrors {
  double median = 0, p90 = 0;  // of |predicted - measured| / measured over steps
  std::int64_t steps = 0;
};

struct ConfigurationError {
  std::string label;  // "small plt L=2 batch 4 prompt 16"
  StepErrors decode, prefill;
};

struct HeldOutReport {
  std::int64_t configurations = 0;
  StepErrors decode, prefill;                            // calibrated, each configuration predicted by a fit without it
  StepErrors decode_uncalibrated, prefill_uncalibrated;  // the same steps, the bare roofline
  StepErrors decode_in_sample;                           // one fit on everything, judged on everything (for contrast)
  std::vector<ConfigurationError> per_configuration;
};

// Needs at least two configurations. Throws InputError("records", ...) otherwise.
HeldOutReport leave_configuration_out(const RecordSet& records, const HardwareSpec& hw, Ceiling ceiling);

// For each stored run: its prefill and mean decode step predicted with a calibration fitted on
// the other runs only (all on one hardware spec, measured ceilings). The demo's "calibrated"
// column: never fitted on the configuration it predicts.
struct RunHeldOut {
  std::optional<double> prefill_s, decode_s;
};
std::vector<RunHeldOut> predict_each_from_the_others(store::Store& store, const std::vector<store::RunId>& runs);

}  // namespace looplab::lab
