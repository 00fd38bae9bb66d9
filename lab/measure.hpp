// Measuring a configuration and keeping it: the engine on the chosen backend, a tracer around
// every step and op, repeats until the median is known well enough (or the time budget is
// spent), the machine's state around it, the simulator's prediction of the same steps, all
// stored as one run with its statistics and noise verdict. `looplab run` and `looplab demo`.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/config.hpp"
#include "lab/hardware_catalog.hpp"
#include "store/store.hpp"
#include "store/summary.hpp"

namespace looplab::lab {

struct MeasureRequest {
  ModelConfig config;
  std::string backend = "auto";  // auto (cuda when built in and a device exists, else cpu) | cpu | cuda
  std::int64_t batch = 1;
  std::int64_t prompt_len = 32;
  std::int64_t decode_steps = 16;  // measured decode steps per repeat
  std::int64_t warmup = 1;         // repeats run first and not stored
  // Repetition (like Google Benchmark's min_time and pyperf): at least `repeats` repeats and
  // `min_time_s` seconds; then, while the 95% interval of the decode (and prefill) step median is
  // wider than +-target_ci of it, more repeats until `max_time_s` is spent. max_time_s = 0:
  // exactly `repeats`.
  std::int64_t repeats = 5;
  double min_time_s = 0;
  double max_time_s = 10;
  double target_ci = 0.02;
  std::int64_t max_repeats = 10000;  // a hard cap whatever the time budget
  std::uint64_t seed = 1;
  std::string label = "run";
  std::optional<std::string> hardware;     // spec for the prediction: name, file or "host"
  std::optional<HardwareChoice> resolved;  // a spec already resolved (the demo resolves once for five runs)
  std::optional<std::string> calibration;  // calibration file or store id for the prediction
  bool cuda_graphs = false;                // replay decode steps from CUDA graphs
  // --kernels: reference | fused (the CUDA backend's fused decode path as far as it exists); a
  // fused run is stored with backend "cuda+fused", so the gate never pairs it with a reference run.
  std::string kernels = "reference";
  std::string pin;  // --pin CPUS: restrict the process to these CPUs ("" = no pinning)
  // --threads: the CPU backend's thread policy, all | available | N (engine/cpu/thread_policy.hpp).
  // Decided once per run, after pinning, and held for every repeat; recorded with the run.
  std::string threads = "available";
  // The commit the run is tagged with; empty: the engine's own (its build's git commit). A CI job
  // that builds from an archive without git history passes its commit here.
  std::string commit;
  // The branch the commit belongs to ("main"), so `gate compare --baseline branch:main` finds the
  // newest commit measured on it; empty: not recorded.
  std::string branch;
};

// Checks every field of a request before anything is opened or written. Throws InputError
// naming the field.
void validate_request(const MeasureRequest& req);

// The repetition rule, after `repeats` repeats and `elapsed_s` seconds, with the relative
// half-widths of the decode and prefill step medians' 95% intervals so far: nullopt to measure
// another repeat, else why to stop.
std::optional<std::string> stop_repeating(const MeasureRequest& req, std::int64_t repeats, double elapsed_s,
                                          double decode_half_width, double prefill_half_width);

struct MeasureResult {
  store::RunInfo info;                // as stored, with final status and statistics
  store::RunRows rows;                // read back from the store
  std::vector<store::KindRow> table;  // measured vs predicted per phase and op kind
  std::string hardware_note;          // where the prediction's hardware spec came from
  std::int64_t kv_bytes = 0;          // KV cache bytes the backend allocated for the session
  std::vector<std::string> warnings;  // also told through `say` as they happen
};

// Hears progress lines and warnings (stderr in the CLI); may be empty.
using Say = std::function<void(const std::string&)>;
// Hears "repeat r, elapsed, current interval" after each repeat (a progress line); may be empty.
using RepeatProgress = std::function<void(std::int64_t repeat, double elapsed_s, double half_width)>;

// Runs warm-up, then repeats of (prefill + decode_steps) as the policy says, stores rows and
// predictions, and finishes the run (complete, or interrupted when *stop turns true between
// steps). Errors after the run began leave it incomplete (status failed when that can still be
// written) and rethrow.
MeasureResult measure_and_store(store::Store& store, const MeasureRequest& req, const std::atomic<bool>* stop,
                                const Say& say = {}, const RepeatProgress& progress = {});

// The run's verdict: the worse of its phases' verdicts, at least noisy when the machine was busy
// (lab/machine_state.hpp); the reason says why in one line.
void judge_run(store::RunInfo& info);

}  // namespace looplab::lab
