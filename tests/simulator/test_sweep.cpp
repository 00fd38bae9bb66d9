// Sweeps: spec errors name the key, duplicates run once, the grid limit, the Pareto front.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <sstream>

#include "engine/core/error.hpp"
#include "simulator/pareto.hpp"
#include "simulator/sweep.hpp"
#include "simulator/sweep_output.hpp"

using namespace looplab;
using nlohmann::json;

namespace {

json ladder_spec() {
  return {{"name", "ladder"},
          {"models", {"plt-paper-dense-1.2b"}},
          {"variants", {"vanilla", "looped", "clp", "clp_share", "plt"}},
          {"loops", {2}},
          {"windows", {64}},
          {"batches", {4, 32}},
          {"contexts", {4096}},
          {"hardware", {"h200"}},
          {"generate", 16}};
}

std::pair<std::string, std::string> error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return {e.field(), e.what()};
  }
  return {"<no error>", ""};
}

}  // namespace

TEST(SweepSpec, TypoIsAnErrorNamingTheKeyWithASuggestion) {
  json j = ladder_spec();
  j["batchs"] = j["batches"];
  j.erase("batches");
  const auto [field, what] = error_of([&] { sweep_spec_from_json(j, "spec.json"); });
  EXPECT_EQ(field, "batchs");
  EXPECT_NE(what.find("did you mean 'batches'"), std::string::npos) << what;
}

TEST(SweepSpec, EmptyAxisMissingAxisAndBadValues) {
  json j = ladder_spec();
  j["contexts"] = json::array();
  EXPECT_EQ(error_of([&] { sweep_spec_from_json(j, "s"); }).first, "contexts");
  j = ladder_spec();
  j.erase("hardware");
  EXPECT_EQ(error_of([&] { sweep_spec_from_json(j, "s"); }).first, "hardware");
  j = ladder_spec();
  j["variants"] = {"plt", "plt2"};
  EXPECT_EQ(error_of([&] { sweep_spec_from_json(j, "s"); }).first, "variants[1]");
  j = ladder_spec();
  j["batches"] = {4, 0};
  EXPECT_EQ(error_of([&] { sweep_spec_from_json(j, "s"); }).first, "batches[1]");
  j = ladder_spec();
  j["loops"] = "2";
  EXPECT_EQ(error_of([&] { sweep_spec_from_json(j, "s"); }).first, "loops");
  j = ladder_spec();
  j["launch"] = "graphs";
  EXPECT_EQ(error_of([&] { sweep_spec_from_json(j, "s"); }).first, "launch");
}

TEST(SweepSpec, UnknownNamesAndImpossibleConfigsFailBeforeRunning) {
  json j = ladder_spec();
  j["hardware"] = {"h200", "h300"};
  EXPECT_EQ(error_of([&] { resolve_sweep(sweep_spec_from_json(j, "s")); }).first, "hardware[1]");
  j = ladder_spec();
  j["models"] = {"no-such-model"};
  EXPECT_EQ(error_of([&] { resolve_sweep(sweep_spec_from_json(j, "s")); }).first, "models[0]");
  j = ladder_spec();
  j["loops"] = {2, 100};  // above the 64-loop limit
  EXPECT_EQ(error_of([&] { resolve_sweep(sweep_spec_from_json(j, "s")); }).first, "loops");
}

TEST(Sweep, DuplicatePointsRunOnce) {
  json j = ladder_spec();
  j["variants"] = {"vanilla", "looped", "plt"};
  j["loops"] = {2, 3};
  j["windows"] = {32, 64};
  const ResolvedSweep s = resolve_sweep(sweep_spec_from_json(j, "s"));
  // vanilla: 1 config (no loops, no window); looped: 2 (no window); plt: 2 loops x 2 windows
  EXPECT_EQ(s.configs.size(), 1u + 2 + 4);
  EXPECT_EQ(s.grid_points, 3 * 2 * 2 * 1 * 2 * 1);
  EXPECT_EQ(s.points, 7 * 1 * 2 * 1);
}

TEST(Sweep, PointLimitNeedsMaxPoints) {
  EXPECT_NO_THROW(check_point_limit(kSweepPointLimit, std::nullopt));
  EXPECT_EQ(error_of([] { check_point_limit(kSweepPointLimit + 1, std::nullopt); }).first, "max-points");
  EXPECT_NO_THROW(check_point_limit(kSweepPointLimit + 1, kSweepPointLimit + 1));
  EXPECT_EQ(error_of([] { check_point_limit(11, 10); }).first, "max-points");
}

TEST(Pareto, HandExample) {
  // (latency, kv, -compute)
  const std::vector<Objectives> pts = {
      {1.0, 1.0, -1.0},  // 0: fastest, smallest, least compute: on the front
      {2.0, 1.0, -2.0},  // 1: more compute for more latency: on
      {2.5, 2.0, -2.0},  // 2: dominated by 1
      {3.0, 0.5, -1.0},  // 3: smallest KV: on
      {2.0, 1.0, -2.0},  // 4: equal to 1: on as well
      {1.0, 1.0, -0.5},  // 5: dominated by 0
  };
  EXPECT_EQ(pareto_front(pts), (std::vector<bool>{true, true, false, true, true, false}));
}

TEST(Sweep, LadderOnH200) {
  const ResolvedSweep s = resolve_sweep(sweep_spec_from_json(ladder_spec(), "s"));
  std::int64_t last_done = 0;
  const SweepResult r = run_sweep(s, [&](std::int64_t done, std::int64_t total) {
    EXPECT_EQ(total, 10);
    last_done = done;
  });
  EXPECT_EQ(last_done, 10);
  ASSERT_EQ(r.rows.size(), 10u);
  auto row = [&](Variant v, std::int64_t B) -> const SweepRow& {
    for (const SweepRow& w : r.rows)
      if (w.variant == v && w.batch == B) return w;
    throw std::runtime_error("row missing");
  };
  // Front per workload: vanilla (fastest, least KV) is on it; looped is dominated by clp
  // (faster, same KV, at least the same compute).
  for (std::int64_t B : {4, 32}) {
    EXPECT_TRUE(row(Variant::vanilla, B).pareto) << B;
    EXPECT_FALSE(row(Variant::looped, B).pareto) << B;
    EXPECT_TRUE(row(Variant::plt, B).pareto) << B;
  }
  std::ostringstream csv;
  write_sweep_csv(csv, r);
  const std::string text = csv.str();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 11);
  EXPECT_EQ(text.rfind("hardware,model,variant,loops,window,batch,context", 0), 0u);
  EXPECT_NE(text.find(",pareto,best\n"), std::string::npos);
}

TEST(Sweep, TinyPointByHand) {
  // tiny vanilla, batch 2, context 64, prompt 60, 5 tokens, on h200's measured ceilings (4.3 TB/s,
  // 790 TFLOP/s) with graph launches (1.3 us), plain roofline (cost_model "roofline": no engine
  // terms). No op comes near the 184 FLOP/byte ridge, so each
  // costs 1.3 us plus its bytes at 4.3 TB/s. The bytes are those of
  // Predict.GenerationSumsTheGrowingContext (test_predict.cpp): 22 ops; decode step at context n
  // 178448 + 512n bytes; prefill of 60, 1175824 bytes.
  const json spec = {{"name", "tiny"},
                     {"models", {"tiny"}},
                     {"variants", {"vanilla"}},
                     {"batches", {2}},
                     {"contexts", {64}},
                     {"hardware", {"h200"}},
                     {"prompt", 60},
                     {"generate", 5},
                     {"ceiling", "measured"},
                     {"cost_model", "roofline"}};
  const SweepResult r = run_sweep(resolve_sweep(sweep_spec_from_json(spec, "s")));
  ASSERT_EQ(r.rows.size(), 1u);
  const SweepRow& w = r.rows[0];
  EXPECT_EQ(w.decode_bytes, 211216);  // 178448 + 512*64
  EXPECT_NEAR(w.decode_step_s, 22 * 1.3e-6 + 211216 / 4.3e12, 1e-18);
  EXPECT_NEAR(w.decode_tokens_per_s, 2 / (28.6e-6 + 211216 / 4.3e12), 1e-6);
  EXPECT_EQ(w.decode_bound, Bound::launch);
  // FLOPs per layer at batch 2: norms 512 + 512, qkv 32768, rope 576, attention 4*4*16 * 2 seqs
  // * 64 keys = 32768, o_proj 16512, gate_up 65536, swiglu 1024, down 32896 = 183104; two layers
  // 366208, + final norm 512, lm_head 24832, argmax 194 = 391746 for 2 tokens
  EXPECT_EQ(w.decode_flops_per_token, 195873);
  EXPECT_NEAR(w.prefill_s, 22 * 1.3e-6 + 1175824 / 4.3e12, 1e-18);
  // prefill + decode steps at contexts 61..64: 4 * 178448 + 512 * 250 = 841792 bytes, 4 * 22 ops
  EXPECT_NEAR(w.generate_s, 110 * 1.3e-6 + (1175824 + 841792) / 4.3e12, 1e-18);
  // KV for 64 tokens (max(64, 60 + 5 - 1)) of 2 sequences at 2 layers * 2 * 2 heads * 16 * 2 = 256
  // bytes a token; weights 2 * (2 layers * 36992 + embeddings and lm_head 2 * 97*64 + norm 64)
  EXPECT_EQ(w.kv_bytes, 32768);
  EXPECT_EQ(w.weight_bytes, 172928);
  EXPECT_EQ(w.verdict, MemoryVerdict::fits);
}

TEST(Sweep, SameSpecSameBytes) {
  const ResolvedSweep s = resolve_sweep(sweep_spec_from_json(ladder_spec(), "s"));
  std::ostringstream a, b;
  write_sweep_csv(a, run_sweep(s));
  write_sweep_csv(b, run_sweep(s));
  EXPECT_EQ(a.str(), b.str());
}

TEST(SweepSpec, ShapeDtypeConstraintAndObjectiveErrorsNameTheKey) {
  json j = ladder_spec();
  j["shapes"] = {{"layer", {16}}};
  EXPECT_EQ(error_of([&] { sweep_spec_from_json(j, "s"); }).first, "shapes.layer");
  j = ladder_spec();
  j["shapes"] = {{"layers", {16, 0}}};
  EXPECT_EQ(error_of([&] { sweep_spec_from_json(j, "s"); }).first, "layers[1]");
  j = ladder_spec();
  j["dtypes"] = {"bf16", "fp8"};
  EXPECT_EQ(error_of([&] { sweep_spec_from_json(j, "s"); }).first, "dtypes[1]");
  j = ladder_spec();
  j["constraints"] = {{"max_decode_step", 0.01}};
  EXPECT_EQ(error_of([&] { sweep_spec_from_json(j, "s"); }).first, "constraints.max_decode_step");
  j = ladder_spec();
  j["constraints"] = {{"max_decode_step_s", -1}};
  EXPECT_EQ(error_of([&] { sweep_spec_from_json(j, "s"); }).first, "constraints.max_decode_step_s");
  j = ladder_spec();
  j["constraints"] = {{"fits_memory", "yes"}};
  EXPECT_EQ(error_of([&] { sweep_spec_from_json(j, "s"); }).first, "constraints.fits_memory");
  j = ladder_spec();
  j["objective"] = {{"maximize", "speed"}};
  EXPECT_EQ(error_of([&] { sweep_spec_from_json(j, "s"); }).first, "objective.maximize");
  j = ladder_spec();
  j["objective"] = {{"maximize", "decode_tokens_per_s"}, {"minimize", "kv_bytes"}};
  EXPECT_EQ(error_of([&] { sweep_spec_from_json(j, "s"); }).first, "objective");
}

TEST(Sweep, ShapeAndDtypeAxesMultiplyTheModels) {
  json j = ladder_spec();
  j["variants"] = {"plt"};
  j["batches"] = {4};
  j["shapes"] = {{"layers", {8, 16}}, {"ffn", {4096, 8192}}};
  j["dtypes"] = {"bf16", "f32"};
  const SweepSpec spec = sweep_spec_from_json(j, "s");
  EXPECT_EQ(sweep_spec_from_json(sweep_spec_to_json(spec), "again").shapes.size(), 2u);  // round trip
  const ResolvedSweep s = resolve_sweep(spec);
  EXPECT_EQ(s.configs.size(), 2u * 2 * 2);
  EXPECT_EQ(s.grid_points, 2 * 2 * 2 * 1 * 1 * 1 * 1 * 1 * 1);
  const SweepResult r = run_sweep(s);
  ASSERT_EQ(r.rows.size(), 8u);
  // named after the shape; f32 doubles the weight bytes of the same shape
  const auto find = [&](const std::string& model, DType dt) -> const SweepRow& {
    for (const SweepRow& w : r.rows)
      if (w.model == model && w.dtype == dt) return w;
    ADD_FAILURE() << model;
    return r.rows.front();
  };
  const SweepRow& a = find("plt-paper-dense-1.2b[ffn=4096,layers=8]", DType::bf16);
  const SweepRow& b = find("plt-paper-dense-1.2b[ffn=4096,layers=8]", DType::f32);
  const SweepRow& deeper = find("plt-paper-dense-1.2b[ffn=4096,layers=16]", DType::bf16);
  EXPECT_EQ(b.weight_bytes, 2 * a.weight_bytes);
  EXPECT_GT(deeper.weight_bytes, a.weight_bytes);
  EXPECT_GT(deeper.decode_step_s, a.decode_step_s);
}

TEST(Sweep, ConstraintsDecideTheFrontsAndTheObjectiveTheBest) {
  json j = ladder_spec();
  j["batches"] = {1, 4, 32};
  const SweepResult free = run_sweep(resolve_sweep(sweep_spec_from_json(j, "s")));
  // a budget between the fastest and the slowest point
  std::vector<double> steps;
  for (const SweepRow& w : free.rows) steps.push_back(w.decode_step_s);
  std::sort(steps.begin(), steps.end());
  const double budget = steps[steps.size() / 2];
  j["constraints"] = {{"max_decode_step_s", budget}};
  j["objective"] = {{"maximize", "decode_tokens_per_s"}};
  const ResolvedSweep s = resolve_sweep(sweep_spec_from_json(j, "s"));
  const SweepResult r = run_sweep(s);
  std::int64_t infeasible = 0, best = 0;
  double best_tps = 0;
  for (const SweepRow& w : r.rows) {
    EXPECT_EQ(w.feasible, w.decode_step_s <= budget);
    if (!w.feasible) {
      ++infeasible;
      EXPECT_FALSE(w.pareto);
    } else {
      best_tps = std::max(best_tps, w.decode_tokens_per_s);
    }
    best += w.best ? 1 : 0;
  }
  EXPECT_EQ(infeasible, r.infeasible_rows);
  EXPECT_GT(infeasible, 0);
  ASSERT_EQ(best, 1);
  ASSERT_TRUE(r.best);
  EXPECT_EQ(r.rows[*r.best].decode_tokens_per_s, best_tps);
  EXPECT_NE(best_point_line(s, r).find("maximize decode_tokens_per_s"), std::string::npos);
  // the CSV and JSON carry the flags
  std::ostringstream csv;
  write_sweep_csv(csv, r);
  EXPECT_NE(csv.str().find(",fits,feasible,pareto,best\n"), std::string::npos);
  EXPECT_EQ(sweep_to_json(s, r)["best_row"], *r.best);
  // a budget nothing meets: no best, and the line says so
  j["constraints"] = {{"max_decode_step_s", steps.front() / 2}};
  const ResolvedSweep none = resolve_sweep(sweep_spec_from_json(j, "s"));
  const SweepResult rn = run_sweep(none);
  EXPECT_FALSE(rn.best);
  EXPECT_EQ(rn.pareto_rows, 0);
  EXPECT_NE(best_point_line(none, rn).find("no point meets"), std::string::npos);
}
