// CPU decode step under load: one decode step of the `small` preset on the reference backend,
// per thread policy (all cores, the cores other processes leave free, or one thread), on an idle
// machine and with one competing process spinning on a core for the whole measurement.
#include <benchmark/benchmark.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "engine/cpu/cpu_backend.hpp"
#include "engine/cpu/cpu_load.hpp"
#include "engine/runtime/generate.hpp"
#include "engine/runtime/session.hpp"

namespace looplab {
namespace {

constexpr std::int64_t kPrompt = 32;
constexpr std::int64_t kMaxContext = 160;
constexpr std::int64_t kStepsPerRun = 400;

// A child process that spins on one core from construction until destruction; it is started
// before the backend is prepared, so a policy that looks at the machine sees it.
class BusyCompetitor {
 public:
  explicit BusyCompetitor(bool on) {
    if (!on) return;
    int ready[2];
    if (pipe(ready) != 0) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      // Only async-signal-safe calls here: the parent has OpenMP threads.
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      const char byte = 1;
      if (write(ready[1], &byte, 1) != 1) _exit(1);
      for (;;) __asm__ __volatile__("" ::: "memory");  // a busy loop the compiler keeps
    }
    close(ready[1]);
    char byte = 0;
    if (read(ready[0], &byte, 1) != 1) throw std::runtime_error("the competitor did not start");
    close(ready[0]);
  }
  ~BusyCompetitor() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  BusyCompetitor(const BusyCompetitor&) = delete;
  BusyCompetitor& operator=(const BusyCompetitor&) = delete;

 private:
  pid_t pid_ = -1;
};

struct VariantCase {
  Variant variant;
  std::int64_t loops;
};
constexpr VariantCase kVariants[] = {{Variant::vanilla, 1}, {Variant::looped, 2}, {Variant::plt, 2}};

ThreadPolicy policy_arg(std::int64_t p) {
  if (p == 0) return ThreadPolicy::all();
  if (p == 1) return ThreadPolicy::available();
  return ThreadPolicy::fixed(1);
}

// Random weights per variant, built once (forking after this copies no weights: copy on write).
const Weights& weights_for(const ModelConfig& c) {
  static std::map<std::pair<int, std::int64_t>, Weights> cache;
  auto key = std::make_pair(static_cast<int>(c.variant), c.loops);
  auto it = cache.find(key);
  if (it == cache.end()) it = cache.emplace(key, random_weights(c, 1)).first;
  return it->second;
}

double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(std::lround(q * static_cast<double>(v.size() - 1)))];
}

// Args: policy (0 all, 1 available, 2 one thread), busy (competing spinners: 0 or 1), batch,
// variant (0 vanilla, 1 looped L=2, 2 plt L=2). One repetition is one freshly prepared backend.
void BM_DecodeUnderLoad(benchmark::State& state) {
  const ThreadPolicy policy = policy_arg(state.range(0));
  const bool busy = state.range(1) != 0;
  const std::int64_t batch = state.range(2);
  const VariantCase vc = kVariants[state.range(3)];
  ModelConfig config = load_model("small");
  config.variant = vc.variant;
  config.loops = vc.loops;
  const Weights& weights = weights_for(config);
  const std::vector<std::int32_t> prompts = random_prompts(1, batch, kPrompt, config.vocab);

  BusyCompetitor competitor(busy);
  // Past the load sample's reuse time, so the backend samples a machine with (or without) this
  // run's competitor, never the previous run's.
  std::this_thread::sleep_for(cpu::kSampleReuse + std::chrono::milliseconds(100));
  CpuBackend backend(policy);
  Session session(config, weights, backend, {batch, kMaxContext, kPrompt});
  std::vector<std::int32_t> next = session.prefill(prompts);
  std::vector<double> steps_s;
  steps_s.reserve(kStepsPerRun);
  for (auto _ : state) {
    if (session.length() == kMaxContext) {  // contexts stay between 32 and 160 tokens
      session.reset();
      next = session.prefill(prompts);
    }
    const auto t0 = std::chrono::steady_clock::now();
    next = session.decode(next);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    state.SetIterationTime(s);
    steps_s.push_back(s);
  }
  const CpuThreadChoice& choice = backend.thread_choice();
  state.counters["threads"] = choice.threads;
  state.counters["cpus_allowed"] = choice.cpus_allowed;
  state.counters["busy_cpus"] = choice.busy_cpus;
  state.counters["step_p10_us"] = 1e6 * quantile(steps_s, 0.1);
  state.counters["step_p50_us"] = 1e6 * quantile(steps_s, 0.5);
  state.counters["step_p90_us"] = 1e6 * quantile(steps_s, 0.9);
  state.SetLabel(std::string(to_string(vc.variant)) + " L=" + std::to_string(vc.loops) + " batch " +
                 std::to_string(batch) + ", threads " + to_string(policy) + (busy ? ", 1 busy competitor" : ", idle"));
}

BENCHMARK(BM_DecodeUnderLoad)
    ->ArgNames({"policy", "busy", "batch", "variant"})
    ->ArgsProduct({{0, 1}, {0, 1}, {1, 4}, {0, 1, 2}})
    ->Iterations(kStepsPerRun)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace looplab

BENCHMARK_MAIN();
