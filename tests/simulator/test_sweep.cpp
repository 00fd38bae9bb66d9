// Sweeps: spec errors name the key, duplicates run once, the grid limit, the Pareto front.
#include <gtest/gtest.h>

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
  // The sweep agrees with predict() for the same point.
  PredictRequest req;
  req.batch = 32;
  req.context = 4096;
  req.generate = 16;
  ModelConfig c = load_model("plt-paper-dense-1.2b");
  c.variant = Variant::plt;
  c.loops = 2;
  c.window = 64;
  const Prediction p = predict(c, load_hardware("h200"), req);
  const SweepRow& plt32 = row(Variant::plt, 32);
  EXPECT_NEAR(plt32.decode_step_s, p.decode.total.time_s, 1e-12 * p.decode.total.time_s);
  EXPECT_NEAR(plt32.generate_s, p.generation.total_s, 1e-12 * p.generation.total_s);
  EXPECT_EQ(plt32.kv_bytes, p.memory.kv_bytes);
  EXPECT_EQ(plt32.activation_peak_bytes, p.memory.activation_peak_bytes);
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
  EXPECT_NE(text.find(",pareto\n"), std::string::npos);
}

TEST(Sweep, SameSpecSameBytes) {
  const ResolvedSweep s = resolve_sweep(sweep_spec_from_json(ladder_spec(), "s"));
  std::ostringstream a, b;
  write_sweep_csv(a, run_sweep(s));
  write_sweep_csv(b, run_sweep(s));
  EXPECT_EQ(a.str(), b.str());
}
