// Times every plan op of the CPU backend into StepRecords, medians over repeated generations.
#include "lab/host_records.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <memory>

#include "engine/core/build_stamp.hpp"
#include "engine/core/error.hpp"
#include "engine/core/observer.hpp"
#include "engine/core/weights.hpp"
#include "engine/cpu/cpu_backend.hpp"
#include "engine/runtime/generate.hpp"
#include "engine/runtime/session.hpp"
#include "lab/machine_state.hpp"
#include "lab/stats.hpp"

namespace looplab {

namespace {

using Clock = std::chrono::steady_clock;

// Times every op of every step into StepRecords.
class OpTimer final : public StepObserver {
 public:
  explicit OpTimer(const ModelConfig& c) : config_(c) {}
  void on_step_begin(const StepPlan& plan, std::int64_t) override {
    current_ = StepRecord{config_, plan.shape, {}};
    current_.op_time_s.reserve(plan.ops.size());
  }
  void on_op_begin(const OpDesc&, std::size_t) override { t0_ = Clock::now(); }
  void on_op_end(const OpDesc&, std::size_t) override {
    current_.op_time_s.push_back(std::chrono::duration<double>(Clock::now() - t0_).count());
  }
  void on_step_end(const StepPlan&, std::int64_t) override { steps.push_back(std::move(current_)); }
  std::vector<StepRecord> steps;

 private:
  ModelConfig config_;
  StepRecord current_;
  Clock::time_point t0_;
};

}  // namespace

RecordSet measure_host_records(const HostRecordOptions& o, const HostRecordProgress& progress, HostRecordNoise* noise) {
  if (o.steps < 1) throw InputError("steps", "must be >= 1");
  if (o.repeats < 1) throw InputError("repeats", "must be >= 1");
  RecordSet records;
  records.hardware = o.hardware;
  records.engine_commit = build_stamp();
  records.launch = LaunchMode::stream;

  // Every (model, variant, batch, prompt) lives at once, and the repeats go round-robin over
  // them: a machine's slow drift (frequency, a neighbour's load, which lasts for seconds) then
  // lands on every configuration alike instead of biasing the one measured at the time.
  struct Config {
    ModelConfig config;
    Weights weights;
    std::unique_ptr<CpuBackend> backend;
    std::unique_ptr<Session> session;
    std::unique_ptr<OpTimer> timer;
    std::vector<std::int32_t> prompts;
    std::vector<std::vector<StepRecord>> runs;
  };
  std::deque<Config> configs;  // a deque: sessions hold references to their config and weights
  for (const std::string& model : o.models)
    for (Variant v : o.variants)
      for (std::int64_t batch : o.batches)
        for (std::int64_t prompt : o.prompts) {
          Config& k = configs.emplace_back();
          k.config = load_model(model);
          k.config.variant = v;
          k.config.loops = o.loops;
          k.weights = random_weights(k.config, 1234);
          // Every allowed CPU, as the host spec these records calibrate was measured on.
          k.backend = std::make_unique<CpuBackend>(ThreadPolicy::all());
          k.session = std::make_unique<Session>(k.config, k.weights, *k.backend,
                                                SessionOptions{batch, prompt + o.steps, prompt});
          k.timer = std::make_unique<OpTimer>(k.config);
          k.session->set_observer(k.timer.get());
          k.prompts = random_prompts(7, batch, prompt, k.config.vocab);
        }
  const lab::MachineSnapshot before = lab::take_snapshot();
  for (std::int64_t r = 0; r < o.repeats; ++r) {
    for (Config& k : configs) {
      // The other configurations ran in between: one unrecorded prefill brings this one's
      // weights back into the caches, as a server running one model would find them.
      k.session->reset();
      generate(*k.session, k.prompts, 1);
      k.timer->steps.clear();
      k.session->reset();
      generate(*k.session, k.prompts, o.steps);
      k.runs.push_back(std::move(k.timer->steps));
      k.timer->steps.clear();
    }
    if (progress)
      progress("repeat " + std::to_string(r + 1) + "/" + std::to_string(o.repeats) + " of " +
               std::to_string(configs.size()) + " configurations");
  }
  std::vector<double> spreads;
  if (noise) {
    lab::record_window(before, lab::take_snapshot(), noise->machine);
    noise->busy = lab::busy_reason(noise->machine).value_or("");
    for (const Config& k : configs)
      for (std::size_t s = 0; s < k.runs[0].size(); ++s) {
        std::vector<double> totals;
        for (const auto& run : k.runs) {
          double t = 0;
          for (double x : run[s].op_time_s) t += x;
          totals.push_back(t);
        }
        const double m = stats::median(totals);
        if (m > 0) spreads.push_back(1.4826 * stats::mad(totals) / m);
      }
    noise->step_spread = stats::median(spreads);
  }
  // Each op's median over the repeats: a busy machine's stalls hit single repeats.
  for (Config& k : configs) {
    for (std::size_t s = 0; s < k.runs[0].size(); ++s) {
      StepRecord rec = k.runs[0][s];
      std::vector<double> t(k.runs.size());
      for (std::size_t op = 0; op < rec.op_time_s.size(); ++op) {
        for (std::size_t r = 0; r < k.runs.size(); ++r) t[r] = k.runs[r][s].op_time_s[op];
        rec.op_time_s[op] = stats::median(t);
      }
      records.steps.push_back(std::move(rec));
    }
  }
  return records;
}

}  // namespace looplab
