// Measuring a configuration and keeping it: the engine on the best backend, a tracer around every
// step and op, the simulator's prediction of the same steps on the matching hardware spec, all
// stored as one run. Shared by `looplab run` and `looplab demo`.
#pragma once
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/config.hpp"
#include "simulator/hardware.hpp"
#include "store/store.hpp"
#include "store/summary.hpp"

namespace looplab::cli {

struct MeasureRequest {
  ModelConfig config;
  std::string backend = "auto";   // auto (cuda when built in and a device exists, else cpu) | cpu | cuda
  std::int64_t batch = 1;
  std::int64_t prompt_len = 32;
  std::int64_t decode_steps = 16;  // measured decode steps per repeat
  std::int64_t warmup = 1;         // repeats run first and not stored
  std::int64_t repeats = 5;
  std::uint64_t seed = 1;
  std::string label = "run";
  std::optional<std::string> hardware;     // spec for the prediction: name in data/hardware or a file
  std::optional<std::string> calibration;  // calibration file for the prediction
  bool cuda_graphs = false;  // replay decode steps from CUDA graphs (kernels then lose their op)
  bool quiet = false;        // no progress lines on stderr
};

struct MeasureResult {
  store::RunInfo info;                 // as stored, with final status
  store::RunRows rows;                 // read back from the store
  std::vector<store::KindRow> table;   // measured vs predicted per phase and op kind
  std::string hardware_note;           // where the prediction's hardware spec came from
  std::int64_t kv_bytes = 0;           // KV cache bytes the backend allocated for the session
  std::vector<std::string> warnings;   // printed already (stderr) unless quiet
};

// The prediction's hardware: --hardware, else for the CPU a `host` spec (data/hardware/host.json,
// else one cached in the store for this CPU, else measured now by `looplab calibrate-host`), for
// a GPU the data/hardware spec whose name matches the device.
struct HardwareChoice {
  HardwareSpec spec;
  std::string note;
};
HardwareChoice resolve_hardware(store::Store& store, const std::string& backend, const std::string& device_name,
                                const std::optional<std::string>& requested, bool quiet);

// Runs warm-up, then `repeats` x (prefill + decode_steps), stores rows and predictions, and
// finishes the run (complete, or interrupted when *stop turns true between steps). Errors after
// the run began leave it incomplete (status failed when that can still be written) and rethrow.
MeasureResult measure_and_store(store::Store& store, const MeasureRequest& req, const std::atomic<bool>* stop);

// Ctrl-C while measuring: the first sets the flag (the run stops after the current step and is
// stored as interrupted), a second one ends the process at once (the run stays incomplete).
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
  const std::atomic<bool>& flag() const;
};

// Exit status of a command whose run was interrupted by Ctrl-C (128 + SIGINT).
inline constexpr int kInterruptedExit = 130;

}  // namespace looplab::cli
