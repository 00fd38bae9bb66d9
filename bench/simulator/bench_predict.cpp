// Simulator speed: decode-step predictions per second on one core for the 16-layer
// plt-paper-dense-1.2b shape (target >= 1,000,000/s), the full-plan path for comparison, and a
// sweep point (decode step + prefill + 128-token generation + memory).
#include <benchmark/benchmark.h>

#include <array>

#include "simulator/predict.hpp"
#include "simulator/step_coster.hpp"
#include "simulator/sweep.hpp"

namespace {

using namespace looplab;

ModelConfig paper(Variant v) {
  ModelConfig c = load_model("plt-paper-dense-1.2b");
  c.variant = v;
  c.loops = 2;
  c.window = 64;
  return c;
}

// Contexts cycle so every prediction costs a different shape; the batch is the shape class.
constexpr std::array<std::int64_t, 8> kContexts = {512, 1024, 1500, 2048, 3000, 4096, 8192, 16384};

void BM_DecodeStep(benchmark::State& state) {
  const auto v = static_cast<Variant>(state.range(0));
  const ModelConfig c = paper(v);
  const CostParams p = make_cost_params(c, load_hardware("h200"), {});
  DecodeStepCoster coster(c, p);
  std::size_t i = 0;
  for (auto _ : state) {
    const CostTotals& t = coster.cost(4, kContexts[i++ & 7]);
    benchmark::DoNotOptimize(t.time_s);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(std::string(to_string(v)) + " L=2, 16 layers, batch 4");
}
BENCHMARK(BM_DecodeStep)->DenseRange(0, 4)->ArgName("variant");

// Batch and context both change every prediction (four batches, within the coster's cache).
void BM_DecodeStepBatchAndContextVary(benchmark::State& state) {
  const ModelConfig c = paper(Variant::plt);
  const CostParams p = make_cost_params(c, load_hardware("h200"), {});
  DecodeStepCoster coster(c, p);
  std::size_t i = 0;
  for (auto _ : state) {
    const CostTotals& t = coster.cost(1 + static_cast<std::int64_t>(i & 3), kContexts[i & 7]);
    ++i;
    benchmark::DoNotOptimize(t.time_s);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeStepBatchAndContextVary);

// The op-by-op path predict() uses: plan_step + every op costed.
void BM_DecodeStepFullPlan(benchmark::State& state) {
  const ModelConfig c = paper(Variant::plt);
  const CostParams p = make_cost_params(c, load_hardware("h200"), {});
  std::size_t i = 0;
  for (auto _ : state) {
    const StepPrediction s = predict_step(c, {Phase::decode, 4, kContexts[i++ & 7]}, p, OpDetail::totals_only);
    benchmark::DoNotOptimize(s.total.time_s);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeStepFullPlan);

// One sweep point as `looplab sweep` computes it (generate 128 tokens).
void BM_SweepPoint(benchmark::State& state) {
  SweepSpec spec;
  spec.models = {"plt-paper-dense-1.2b"};
  spec.variants = {Variant::plt};
  spec.loops = {2};
  spec.batches = {1, 4, 16, 64};
  spec.contexts = {1024, 2048, 4096, 8192};
  spec.hardware = {"h200"};
  const ResolvedSweep s = resolve_sweep(spec);
  for (auto _ : state) {
    const SweepResult r = run_sweep(s);
    benchmark::DoNotOptimize(r.rows.data());
  }
  state.SetItemsProcessed(state.iterations() * s.points);
}
BENCHMARK(BM_SweepPoint);

}  // namespace

BENCHMARK_MAIN();
