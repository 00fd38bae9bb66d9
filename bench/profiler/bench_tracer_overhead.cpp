// Overhead of the host tracer on a CPU decode step. BM_TracerAB alternates untraced and traced
// decode steps (the order flips every pair) so machine noise falls on both alike, then reports the
// median of each and their ratio as `overhead_pct`. BM_DecodeStep times each mode on its own.
// BM_CuptiAB (CUDA builds) does the same for the CUPTI tracer on a GPU decode step.
// Usage: bench_profiler [--benchmark_filter=AB] [--benchmark_repetitions=5]; env LOOPLAB_BENCH_MODEL
// picks the preset (default small, the demo's model).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <vector>

#include "engine/core/config.hpp"
#include "engine/core/weights.hpp"
#include "engine/runtime/backend_factory.hpp"
#include "engine/runtime/generate.hpp"
#include "engine/runtime/session.hpp"
#include "lab/stats.hpp"
#include "profiler/host_tracer.hpp"

#if LOOPLAB_PROFILER_HAVE_CUPTI
#include "engine/cuda/cuda_backend.hpp"
#include "engine/cuda/device.hpp"
#include "profiler/cupti/cupti_tracer.hpp"
#endif

namespace looplab {
namespace {

constexpr std::int64_t kPrompt = 32;
constexpr std::int64_t kMaxDecode = 256;  // steps before the sequence restarts (outside the timing)

// A CPU session on one model, a decode step at a time, restarting the sequence when full.
class DecodeLoop {
 public:
  explicit DecodeLoop(const std::string& model)
      : config_(load_model(model)),
        weights_(random_weights(config_, 1)),
        backend_(make_backend("cpu")),
        session_(config_, weights_, *backend_, {1, kPrompt + kMaxDecode, kPrompt}),
        prompts_(random_prompts(1, 1, kPrompt, config_.vocab)) {
    restart();
  }
  const ModelConfig& config() const { return config_; }
  std::size_t ops_per_step() const { return plan_step(config_, {Phase::decode, 1, kPrompt + kMaxDecode}).ops.size(); }

  // Seconds of one decode step with `observer` attached (nullptr: none).
  double step(StepObserver* observer, profiler::HostTracer* tracer) {
    if (session_.length() >= kPrompt + kMaxDecode) restart();
    if (tracer && ++traced_steps_ % 512 == 0) {  // keep the window's buffers bounded, outside the timing
      tracer->end_window();
      tracer->begin_window(512, 512 * ops_per_step());
    }
    session_.set_observer(observer);
    auto t0 = std::chrono::steady_clock::now();
    tokens_ = session_.decode(tokens_);
    auto t1 = std::chrono::steady_clock::now();
    session_.set_observer(nullptr);
    return std::chrono::duration<double>(t1 - t0).count();
  }

 private:
  void restart() {
    session_.set_observer(nullptr);
    session_.reset();
    tokens_ = session_.prefill(prompts_);
  }
  ModelConfig config_;
  Weights weights_;
  std::unique_ptr<Backend> backend_;
  Session session_;
  std::vector<std::int32_t> prompts_, tokens_;
  std::int64_t traced_steps_ = 0;
};

std::string bench_model() {
  const char* m = std::getenv("LOOPLAB_BENCH_MODEL");
  return m && *m ? m : "small";
}

using stats::median;

void BM_TracerAB(benchmark::State& state) {
  DecodeLoop loop(bench_model());
  profiler::HostTracer tracer;
  tracer.begin_window(512, 512 * loop.ops_per_step());
  for (int i = 0; i < 20; ++i) loop.step(nullptr, nullptr);  // warm-up
  std::vector<double> plain, traced;
  bool traced_first = false;
  for (auto _ : state) {
    if (traced_first) {
      traced.push_back(loop.step(&tracer, &tracer));
      plain.push_back(loop.step(nullptr, nullptr));
    } else {
      plain.push_back(loop.step(nullptr, nullptr));
      traced.push_back(loop.step(&tracer, &tracer));
    }
    traced_first = !traced_first;
  }
  const double a = median(plain), b = median(traced);
  // Each pair ran back to back, so its ratio cancels slow drift of the machine's speed.
  std::vector<double> ratio;
  for (std::size_t i = 0; i < plain.size(); ++i) ratio.push_back(traced[i] / plain[i]);
  state.counters["untraced_us"] = a * 1e6;
  state.counters["traced_us"] = b * 1e6;
  state.counters["overhead_pct"] = a > 0 ? (b / a - 1.0) * 100.0 : 0.0;
  state.counters["paired_overhead_pct"] = (median(ratio) - 1.0) * 100.0;
  state.counters["ops_per_step"] = static_cast<double>(loop.ops_per_step());
  state.counters["pairs"] = static_cast<double>(plain.size());
  state.SetLabel(bench_model() + " " + std::string(to_string(loop.config().variant)) + ", batch 1");
}
BENCHMARK(BM_TracerAB)->Unit(benchmark::kMillisecond)->MinTime(5.0);

// The tracer alone: one op span (two clock reads and a push) per iteration.
void BM_HostTracerPerOp(benchmark::State& state) {
  profiler::HostTracer tracer;
  StepPlan plan = plan_step(load_model("small"), {Phase::decode, 1, 64});
  const std::size_t n = plan.ops.size();
  tracer.begin_window(1, 1 << 20);
  tracer.on_step_begin(plan, 0);
  std::size_t i = 0, recorded = 0;
  for (auto _ : state) {
    tracer.on_op_begin(plan.ops[i], i);
    tracer.on_op_end(plan.ops[i], i);
    if (++i == n) i = 0;
    if (++recorded == (1u << 20)) {
      state.PauseTiming();
      tracer.end_window();
      tracer.begin_window(1, 1 << 20);
      tracer.on_step_begin(plan, 0);
      recorded = 0;
      state.ResumeTiming();
    }
  }
  state.SetLabel("ns per traced op");
}
BENCHMARK(BM_HostTracerPerOp)->Unit(benchmark::kNanosecond);

void BM_DecodeStep(benchmark::State& state) {
  const bool traced = state.range(0) != 0;
  DecodeLoop loop(bench_model());
  profiler::HostTracer tracer;
  tracer.begin_window(512, 512 * loop.ops_per_step());
  for (int i = 0; i < 20; ++i) loop.step(nullptr, nullptr);
  for (auto _ : state) state.SetIterationTime(loop.step(traced ? &tracer : nullptr, traced ? &tracer : nullptr));
  state.SetLabel(traced ? "host tracer" : "no tracer");
}
BENCHMARK(BM_DecodeStep)->Arg(0)->Arg(1)->UseManualTime()->Unit(benchmark::kMicrosecond)->MinTime(2.0);

#if LOOPLAB_PROFILER_HAVE_CUPTI
// The CUPTI tracer on a CUDA decode step (eager launches, so every kernel is under its op):
// blocks of 32 steps with CUPTI collecting and 32 without, alternating, compared block pair by
// block pair (toggling CUPTI happens between blocks, outside the timing).
void BM_CuptiAB(benchmark::State& state) {
  if (gpu::device_count() == 0) {
    state.SkipWithError("no CUDA device");
    return;
  }
  std::string why;
  auto tracer = profiler::CuptiTracer::create(why);
  if (!tracer) {
    state.SkipWithError(("CUPTI unavailable: " + why).c_str());
    return;
  }
  ModelConfig c = load_model(bench_model());
  Weights w = random_weights(c, 1);
  gpu::CudaBackend backend({0, gpu::GraphMode::off});
  Session session(c, w, backend, {1, kPrompt + kMaxDecode, kPrompt});
  const auto prompts = random_prompts(1, 1, kPrompt, c.vocab);
  std::vector<std::int32_t> tokens;
  auto restart = [&] {
    session.set_observer(nullptr);
    session.reset();
    tokens = session.prefill(prompts);
  };
  restart();
  const std::size_t ops = plan_step(c, {Phase::decode, 1, kPrompt + kMaxDecode}).ops.size();
  double dropped = 0;
  auto block = [&](bool traced) {
    std::vector<double> t;
    if (traced) {
      tracer->set_collecting(true);
      tracer->begin_window(64, 64 * ops);
    }
    for (int i = 0; i < 32; ++i) {
      if (session.length() >= kPrompt + kMaxDecode) restart();
      session.set_observer(traced ? tracer.get() : nullptr);
      auto t0 = std::chrono::steady_clock::now();
      tokens = session.decode(tokens);
      t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      session.set_observer(nullptr);
    }
    if (traced) {
      profiler::Capture cap = tracer->end_window();
      dropped += static_cast<double>(cap.dropped_records);
      tracer->set_collecting(false);
    }
    return median(t);
  };
  tracer->set_collecting(false);
  block(false);  // warm-up
  std::vector<double> ratio, plain, traced;
  bool traced_first = false;
  for (auto _ : state) {
    double a = 0, b = 0;
    if (traced_first) {
      b = block(true);
      a = block(false);
    } else {
      a = block(false);
      b = block(true);
    }
    traced_first = !traced_first;
    plain.push_back(a);
    traced.push_back(b);
    ratio.push_back(b / a);
  }
  state.counters["untraced_us"] = median(plain) * 1e6;
  state.counters["traced_us"] = median(traced) * 1e6;
  state.counters["paired_overhead_pct"] = (median(ratio) - 1.0) * 100.0;
  state.counters["dropped_records"] = dropped;
  state.SetLabel(bench_model() + " on " + std::string(backend.name()) + ", batch 1, eager launches");
}
BENCHMARK(BM_CuptiAB)->Unit(benchmark::kMillisecond)->MinTime(5.0);
#endif

}  // namespace
}  // namespace looplab

BENCHMARK_MAIN();
