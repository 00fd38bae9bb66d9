// Value snapshots the GUI shows: plain structs that mirror what the results store's read API and
// the simulator return, copied once off the GUI thread and handed to the models by signal. No Qt
// here, so loaders and tests can build them anywhere.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/plan.hpp"
#include "engine/core/variant.hpp"
#include "lab/stats.hpp"

namespace looplab::gui {

// What limits an op, as the simulator reports it.
enum class Bound : std::uint8_t { unknown, memory, compute, launch };
const char* boundName(Bound b);

// One row of the runs browser: a stored run and its headline numbers.
struct RunSummary {
  std::int64_t id = 0;
  std::string model;  // config name, e.g. "small"
  Variant variant = Variant::vanilla;
  std::int64_t loops = 1;
  std::int64_t window = 0;
  std::int64_t batch = 1;
  std::int64_t contextLen = 1;          // decode context of the measured steps
  std::string backend;                  // "cpu", "cuda"
  std::string hardware;                 // hardware spec name, e.g. "host", "h200"
  std::string createdAt;                // ISO 8601, sorts as text
  std::string label;                    // the run's label ("main", "pr-12", "demo")
  std::string commit;                   // the engine commit the run is tagged with
  std::string workKey;                  // what defines the work: config, batch, prompt, steps, backend
  bool complete = true;                 // false: the run was interrupted
  std::optional<double> measuredStepS;  // median decode step latency, seconds
  std::optional<double> measuredCiLoS;  // the 95% bootstrap interval of that median
  std::optional<double> measuredCiHiS;
  std::optional<double> predictedStepS;  // the simulator's decode step latency, seconds
  // The run's noise verdict as the store recorded it (the worse phase, at least noisy on a busy
  // machine); empty for runs that never finished. The reason says why it is not quiet.
  std::optional<stats::Verdict> verdict;
  std::string verdictReason;
  std::optional<std::int64_t> kvBytes;  // KV cache the run holds at kvTokens tokens
  std::int64_t kvTokens = 0;            // context the KV bytes are for (0: contextLen)
  std::optional<std::int64_t> weightBytes;

  // (predicted - measured) / measured * 100: positive when the simulator over-predicts.
  std::optional<double> errorPct() const;
  // Half the decode step's 95% interval relative to its median, in percent ("+-2.1 %").
  std::optional<double> measuredHalfWidthPct() const;
};

// One measured step of a run.
struct StepSample {
  std::int64_t index = 0;
  Phase phase = Phase::decode;
  double latencyS = 0.0;
};

// One plan op of a decode step: what was measured next to what was predicted.
struct OpRecord {
  std::int32_t index = 0;  // position in StepPlan::ops (the store's op id)
  std::string name;        // op_name(), e.g. "layer3.loop2.attn_global"
  OpKind kind = OpKind::embed;
  std::int32_t layer = -1;
  std::int32_t loopLo = 1;
  std::int32_t loopHi = 1;
  // The op's measured time (device time on a GPU, host span on a CPU) over every (repeat, decode
  // step): median, and mean (absent steps count 0, so op means plus unattributed add up to the
  // step's mean).
  std::optional<double> measuredS;
  std::optional<double> measuredMeanS;
  std::optional<double> predictedS;
  double flops = 0.0;            // work of the op (from the prediction)
  double bytes = 0.0;            // bytes moved (weights + activations + KV)
  Bound bound = Bound::unknown;  // predicted bound

  std::optional<double> errorPct() const;
  // FLOP per byte; 0 when the op moves no bytes.
  double intensity() const { return bytes > 0.0 ? flops / bytes : 0.0; }
};

// A measured op (or kernel) on the timeline of one step, relative to the step's start.
struct Span {
  std::int32_t opIndex = -1;  // plan op it belongs to, -1 when unattributed
  std::string name;
  double startS = 0.0;
  double durationS = 0.0;
  std::int32_t lane = 0;  // stream (kernels) or thread; ops use lane 0
};

// One phase's step time as the store summarised it when the run finished (store PhaseStats).
struct PhaseFigures {
  std::optional<double> medianS, ciLoS, ciHiS, p10S, p90S;
  std::optional<double> unattributedS;  // median of (step wall time - its ops)
  std::int64_t samples = 0;
  std::int64_t outliers = 0;
  std::optional<stats::Verdict> verdict;
  std::optional<double> halfWidthPct() const;
};

// The machine around the run (store MachineState): what else ran, how threads were placed.
struct MachineFigures {
  std::optional<double> loadBefore, loadAfter;  // 1-minute load average
  std::optional<double> othersCpuS;             // CPU seconds other processes used
  std::optional<double> stealFraction;
  std::optional<double> windowS;  // the measured window, seconds
  std::int64_t cpusOnline = 0;
  std::string affinity, pinning, governor, threadPolicy;
  // Other processes' CPU use as a number of busy CPUs (othersCpuS / windowS).
  std::optional<double> otherCpus() const;
};

// One measured distribution over a phase's (repeat, step) samples, lab/stats.hpp's summary.
struct MeasuredStat {
  std::int64_t samples = 0;
  double medianS = 0.0;
  double ciLoS = 0.0, ciHiS = 0.0;  // 95% bootstrap interval of the median
  double p10S = 0.0, p90S = 0.0;
  double meanS = 0.0;  // means add up (kinds + unattributed = step); medians need not
  std::int64_t outliers = 0;
  stats::Verdict verdict = stats::Verdict::unusable;
  double halfWidthPct() const;
};

// One row of the measured-vs-predicted table, as store::kind_table computes it for the CLI:
// an op kind (its ops summed per step), "unattributed" (step wall minus its ops) or "step".
struct KindMeasurement {
  Phase phase = Phase::decode;
  std::string kind;
  MeasuredStat measured;
  std::optional<double> predictedS;  // mean over the phase's steps; none for "unattributed"
};

// The step the timeline shows: which one, its wall time and the part no op accounts for.
struct ShownStep {
  std::int64_t repeat = 0;
  std::int64_t index = 0;
  double wallS = 0.0;
  double unattributedS = 0.0;  // wall minus the measured time of its ops (store StepRow)
};

// Memory and compute roofs of one hardware spec. The main roof is the datasheet's; a spec with
// only measured numbers (a calibrated host) has a measured main roof and says so in mainLabel.
// The measured* fields are a second, measured roof beside a datasheet one.
struct HardwareCeilings {
  std::string name;
  double peakFlopsPerS = 0.0;
  double bandwidthBytesPerS = 0.0;
  std::string mainLabel = "datasheet";  // "datasheet", "measured", or "datasheet + measured"
  std::optional<double> measuredPeakFlopsPerS;
  std::optional<double> measuredBandwidthBytesPerS;
  std::string source;  // where the numbers come from
};

// Everything the run view, roofline and timeline show for one run.
struct RunDetail {
  RunSummary summary;
  std::string configJson;  // the run's full ModelConfig as stored
  PhaseFigures prefill, decode;
  MachineFigures machine;
  std::int64_t threads = 0;
  std::int64_t repeats = 0;
  std::int64_t decodeSteps = 0;  // per repeat
  std::string stopReason;        // why repetition stopped
  std::vector<StepSample> steps;
  std::vector<OpRecord> ops;           // one decode step, plan order
  std::vector<KindMeasurement> kinds;  // both phases: kinds, unattributed, step
  std::optional<ShownStep> shownStep;  // the decode step nearest the median
  std::vector<Span> measuredOps;       // that step's measured ops, in time
  std::vector<Span> kernels;           // GPU runs: that step's kernels
  HardwareCeilings hardware;
  std::string hardwareJson;  // the hardware spec the run's prediction used, as stored

  // The decode phase's rows of `kinds`, in table order (kinds, "unattributed", "step").
  std::vector<KindMeasurement> decodeKinds() const;
};

// A prediction for a config and hardware (what-if panel, sweep explorer).
struct Prediction {
  double stepS = 0.0;  // decode step latency
  std::int64_t kvBytes = 0;
  std::int64_t weightBytes = 0;
  double tokensPerS = 0.0;  // decode tokens per second, whole batch
  bool fitsInMemory = true;
  std::vector<OpRecord> ops;  // measuredS empty
};

// A sweep result as a table: every column of the CSV, numeric ones parsed.
struct SweepColumn {
  std::string name;
  bool numeric = true;
  std::vector<double> values;      // numeric columns (NaN for empty cells)
  std::vector<std::string> texts;  // text columns
};
struct SweepTable {
  std::vector<SweepColumn> columns;
  std::size_t rows = 0;

  int columnIndex(const std::string& name) const;
  std::string cellText(std::size_t row, std::size_t column) const;
};

}  // namespace looplab::gui
