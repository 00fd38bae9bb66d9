// host_records: runs the CPU backend over the five variants and writes measured op records in the
// format `looplab calibrate` reads, timing each plan op with a StepObserver (steady clock). Each
// generation runs --repeats times and every op keeps its median over the repeats (the method of
// docs: medians over repetitions). It stands in for the profiler's host tracer until
// `looplab run` writes records itself.
//   host_records [--model small] [--steps 24] [--repeats 5] [--out host-records.json] [--hardware host]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "engine/core/error.hpp"
#include "engine/core/observer.hpp"
#include "engine/core/weights.hpp"
#include "engine/cpu/cpu_backend.hpp"
#include "engine/runtime/generate.hpp"
#include "engine/runtime/session.hpp"
#include "simulator/build_info.hpp"
#include "simulator/records.hpp"

namespace {

using namespace looplab;
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

int run(int argc, char** argv) {
  std::string model = "small", out = "host-records.json", hardware = "host";
  std::int64_t steps = 24, repeats = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--model")) model = argv[i + 1];
    else if (!std::strcmp(argv[i], "--out")) out = argv[i + 1];
    else if (!std::strcmp(argv[i], "--hardware")) hardware = argv[i + 1];
    else if (!std::strcmp(argv[i], "--steps")) steps = std::stoll(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--repeats")) repeats = std::stoll(argv[i + 1]);
    else throw InputError(argv[i], "unknown option (--model, --steps, --repeats, --out, --hardware)");
  }
  if (steps < 1 || repeats < 1) throw InputError("steps", "--steps and --repeats must be >= 1");
  RecordSet records;
  records.hardware = hardware;
  records.engine_commit = build_commit();
  records.launch = LaunchMode::stream;
  for (Variant v : kAllVariants)
    for (std::int64_t batch : {1, 4})
      for (std::int64_t prompt : {16, 96}) {
        ModelConfig c = load_model(model);
        c.variant = v;
        c.loops = 2;
        const Weights w = random_weights(c, 1234);
        CpuBackend backend;
        Session session(c, w, backend, {batch, prompt + steps, prompt});
        OpTimer timer(c);
        session.set_observer(&timer);
        // A warm-up generation (not recorded), then the measured repeats.
        const std::vector<std::int32_t> prompts = random_prompts(7, batch, prompt, c.vocab);
        generate(session, prompts, 4);
        std::vector<std::vector<StepRecord>> runs;
        for (std::int64_t r = 0; r < repeats; ++r) {
          timer.steps.clear();
          session.reset();
          generate(session, prompts, steps);
          runs.push_back(std::move(timer.steps));
        }
        for (std::size_t s = 0; s < runs[0].size(); ++s) {
          StepRecord rec = runs[0][s];
          for (std::size_t op = 0; op < rec.op_time_s.size(); ++op) {
            std::vector<double> t;
            for (const auto& run : runs) t.push_back(run[s].op_time_s[op]);
            std::nth_element(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(t.size() / 2), t.end());
            rec.op_time_s[op] = t[t.size() / 2];
          }
          records.steps.push_back(std::move(rec));
        }
        std::fprintf(stderr, "%s %s batch %lld prompt %lld: %zu steps\n", model.c_str(),
                     std::string(to_string(v)).c_str(), static_cast<long long>(batch),
                     static_cast<long long>(prompt), records.steps.size());
      }
  std::ofstream f(out);
  if (!f) throw InputError("out", "cannot write '" + out + "'");
  f << records_to_json(records).dump() << "\n";
  std::fprintf(stderr, "wrote %zu steps to %s\n", records.steps.size(), out.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const InputError& e) {
    std::fprintf(stderr, "host_records: error: %s\n", e.what());
    return 2;
  }
}
