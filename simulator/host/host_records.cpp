// Times every plan op of the CPU backend into StepRecords, medians over repeated generations.
#include "simulator/host/host_records.hpp"

#include <algorithm>
#include <chrono>

#include "engine/core/error.hpp"
#include "engine/core/observer.hpp"
#include "engine/core/weights.hpp"
#include "engine/cpu/cpu_backend.hpp"
#include "engine/runtime/generate.hpp"
#include "engine/runtime/session.hpp"
#include "simulator/build_info.hpp"

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

RecordSet measure_host_records(const HostRecordOptions& o, const HostRecordProgress& progress) {
  if (o.steps < 1) throw InputError("steps", "must be >= 1");
  if (o.repeats < 1) throw InputError("repeats", "must be >= 1");
  RecordSet records;
  records.hardware = o.hardware;
  records.engine_commit = build_commit();
  records.launch = LaunchMode::stream;
  for (const std::string& model : o.models)
    for (Variant v : o.variants)
      for (std::int64_t batch : o.batches)
        for (std::int64_t prompt : o.prompts) {
          ModelConfig c = load_model(model);
          c.variant = v;
          c.loops = o.loops;
          const Weights w = random_weights(c, 1234);
          CpuBackend backend;
          Session session(c, w, backend, {batch, prompt + o.steps, prompt});
          OpTimer timer(c);
          session.set_observer(&timer);
          // A warm-up generation (not recorded), then the measured repeats.
          const std::vector<std::int32_t> prompts = random_prompts(7, batch, prompt, c.vocab);
          generate(session, prompts, 4);
          std::vector<std::vector<StepRecord>> runs;
          for (std::int64_t r = 0; r < o.repeats; ++r) {
            timer.steps.clear();
            session.reset();
            generate(session, prompts, o.steps);
            runs.push_back(std::move(timer.steps));
          }
          // Each op's median over the repeats: a busy machine's stalls hit single repeats.
          for (std::size_t s = 0; s < runs[0].size(); ++s) {
            StepRecord rec = runs[0][s];
            std::vector<double> t(runs.size());
            for (std::size_t op = 0; op < rec.op_time_s.size(); ++op) {
              for (std::size_t r = 0; r < runs.size(); ++r) t[r] = runs[r][s].op_time_s[op];
              std::nth_element(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(t.size() / 2), t.end());
              rec.op_time_s[op] = t[t.size() / 2];
            }
            records.steps.push_back(std::move(rec));
          }
          if (progress)
            progress(model + " " + std::string(to_string(v)) + " batch " + std::to_string(batch) + " prompt " +
                     std::to_string(prompt) + ": " + std::to_string(records.steps.size()) + " steps");
        }
  return records;
}

}  // namespace looplab
