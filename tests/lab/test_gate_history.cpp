// The gate's history, power study and Google Benchmark import on real stores: a step in a
// metric's history is found where it happened; split-half resampling of steady runs gives no
// false alarm and catches a large slowdown; a benchmark file becomes runs the gate compares, and
// a malformed one writes nothing.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "engine/core/error.hpp"
#include "lab/gate.hpp"
#include "lab/gate_history.hpp"
#include "lab/gate_power.hpp"
#include "lab/gbench_import.hpp"
#include "tests/store/sample_rows.hpp"
#include "tests/store/temp_dir.hpp"

using namespace looplab;
using namespace looplab::lab;
using looplab::testing::TempDir;

namespace {

// A complete run whose decode steps are `decode_s` times a small fixed wobble; its stored median
// is set as finish_run would set it.
store::RunId add_run(store::Store& s, const std::string& label, const std::string& commit, double decode_s, int index) {
  store::RunInfo info;
  info.label = label;
  info.model = "small";
  info.variant = "plt";
  info.loops = 2;
  info.config_json = R"({"name":"small"})";
  info.batch = 4;
  info.prompt_len = 32;
  info.decode_steps = 8;
  info.backend = "cpu";
  info.tracer = "host";
  info.threads = 1;
  info.engine_commit = commit;
  const store::RunId id = s.begin_run(info);
  store::RunRows rows;
  std::int64_t t = 0;
  const double run_wobble = 1.0 + 0.005 * std::sin(2.3 * index);
  for (int k = 1; k <= 8; ++k) {
    const auto ns = static_cast<std::int64_t>(std::llround(decode_s * run_wobble * (1 + 0.01 * std::sin(k)) * 1e9));
    rows.steps.push_back({0, k, "decode", 4, 32 + k, t, t + ns, 0});
    t += ns;
  }
  s.append(id, rows);
  store::RunStats stats;
  stats.decode.median_s = decode_s * run_wobble;
  looplab::testing::finish(s, id, store::RunStatus::complete, stats);
  return id;
}

}  // namespace

TEST(GateHistory, AStepInTheHistoryIsFoundWhereItHappened) {
  TempDir dir;
  auto s = store::open_store(dir / "h.db", store::OpenMode::read_write);
  std::vector<store::RunId> ids;
  for (int i = 0; i < 16; ++i) ids.push_back(add_run(*s, "main", "c" + std::to_string(i), i < 9 ? 1.0e-3 : 1.15e-3, i));
  add_run(*s, "pr", "x", 2e-3, 99);  // another label: not in main's history
  HistoryOptions o;
  o.label = "main";
  const auto hs = gate_history(*s, o);
  ASSERT_EQ(hs.size(), 1u);
  EXPECT_EQ(hs[0].points.size(), 16u);
  EXPECT_EQ(hs[0].points[9].commit, "c9");
  ASSERT_EQ(hs[0].changes.size(), 1u);
  EXPECT_EQ(hs[0].changes[0].index, 9u);
  EXPECT_EQ(hs[0].changes[0].run, ids[9]);
  EXPECT_LT(hs[0].changes[0].p, 0.01);
  EXPECT_NEAR(hs[0].changes[0].after_s / hs[0].changes[0].before_s, 1.15, 0.01);
  // a flat history has none
  o.label = "flat";
  for (int i = 0; i < 16; ++i) add_run(*s, "flat", "f", 1e-3, i);
  EXPECT_TRUE(gate_history(*s, o).at(0).changes.empty());
  // bad input names its field
  o.metric = "decode";
  EXPECT_THROW((void)gate_history(*s, o), InputError);
  o.metric = "decode step";
  o.label = "nope";
  try {
    (void)gate_history(*s, o);
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "label");
  }
}

TEST(GatePower, SteadyRunsGiveNoFalseAlarmAndALargeSlowdownIsCaught) {
  TempDir dir;
  auto s = store::open_store(dir / "p.db", store::OpenMode::read_write);
  for (int i = 0; i < 10; ++i) add_run(*s, "aa", "c", 1e-3, i);
  PowerOptions o;
  o.trials = 50;
  o.slowdowns = {0.01, 0.20};
  const auto rows = gate_power(*s, "aa", o);
  ASSERT_EQ(rows.size(), 1u);  // decode only: these runs have no prefill
  const PowerResult& p = rows[0];
  EXPECT_EQ(p.runs, 10);
  EXPECT_EQ(p.mode, "split-half, runs");  // 5 runs a half: runs are the samples
  EXPECT_EQ(p.trials, 50);
  EXPECT_DOUBLE_EQ(p.aa_regressed, 0.0);
  EXPECT_DOUBLE_EQ(p.detected[0], 0.0);  // 1% is under the 5% threshold
  EXPECT_DOUBLE_EQ(p.detected[1], 1.0);  // 20% over it, every time
  EXPECT_DOUBLE_EQ(p.threshold, 0.05);
  EXPECT_EQ(p.threads, "1");
  EXPECT_NEAR(p.min_p, stats::mann_whitney_min_p(5, 5), 1e-15);
  // Several thresholds judged on the same trials: one row each, in order; a 1% threshold catches
  // the 20% slowdown as well, a 30% one never does
  o.thresholds = {0.01, 0.30};
  const auto two = gate_power(*s, "aa", o);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_DOUBLE_EQ(two[0].threshold, 0.01);
  EXPECT_DOUBLE_EQ(two[1].threshold, 0.30);
  EXPECT_DOUBLE_EQ(two[0].detected[1], 1.0);
  EXPECT_DOUBLE_EQ(two[1].detected[1], 0.0);
  EXPECT_DOUBLE_EQ(two[0].aa_regressed, 0.0);
  EXPECT_EQ(choose_threshold(two, o, 0.20), 0.01);
  EXPECT_EQ(choose_threshold(two, o, 0.01), std::nullopt);  // 1% is caught by neither
  EXPECT_EQ(choose_threshold(two, o, 0.07), std::nullopt);  // not one of the slowdowns tried
  o.thresholds = {};
  EXPECT_THROW((void)gate_power(*s, "aa", o), InputError);
  o.thresholds = {0.05};
  // fewer than 4 runs of a workload: nothing to split
  for (int i = 0; i < 3; ++i) add_run(*s, "few", "c", 1e-3, i);
  EXPECT_THROW((void)gate_power(*s, "few", o), InputError);
  o.trials = 0;
  EXPECT_THROW((void)gate_power(*s, "aa", o), InputError);
}

namespace {

nlohmann::json gbench(double scale) {
  nlohmann::json b = nlohmann::json::array();
  for (int r = 0; r < 6; ++r) {
    b.push_back({{"name", "BM_step/4"},
                 {"run_name", "BM_step/4"},
                 {"run_type", "iteration"},
                 {"repetitions", 6},
                 {"repetition_index", r},
                 {"threads", 1},
                 {"iterations", 1000},
                 {"real_time", scale * (250.0 + r)},
                 {"cpu_time", scale * 249.0},
                 {"time_unit", "us"}});
    b.push_back({{"name", "BM_norm"},
                 {"run_name", "BM_norm"},
                 {"run_type", "iteration"},
                 {"real_time", 812.0 + r},
                 {"time_unit", "ns"}});
  }
  b.push_back({{"name", "BM_step/4_mean"},
               {"run_name", "BM_step/4"},
               {"run_type", "aggregate"},
               {"aggregate_name", "mean"},
               {"real_time", 252.5},
               {"time_unit", "us"}});
  return {{"context", {{"executable", "/x/bench_engine"}, {"host_name", "ci-1"}}}, {"benchmarks", b}};
}

}  // namespace

TEST(GbenchImport, BenchmarksBecomeRunsTheGateCompares) {
  TempDir dir;
  auto s = store::open_store(dir / "b.db", store::OpenMode::read_write);
  const GbenchImport a = import_gbench(*s, gbench(1.0), "a.json", "main", "abc");
  ASSERT_EQ(a.runs.size(), 2u);
  EXPECT_EQ(a.names, (std::vector<std::string>{"BM_step/4", "BM_norm"}));
  EXPECT_EQ(a.repetitions, 12);
  EXPECT_EQ(a.skipped, 1);  // the aggregate
  const auto run = s->get_run(a.runs[0]);
  ASSERT_TRUE(run);
  EXPECT_TRUE(run->complete);
  EXPECT_EQ(run->backend, "gbench");
  EXPECT_EQ(run->engine_commit, "abc");
  EXPECT_EQ(run->device_name, "bench_engine");
  ASSERT_TRUE(run->stats.decode.median_s);
  EXPECT_NEAR(*run->stats.decode.median_s, 252.5e-6, 1e-9);  // median of 250..255 us
  (void)import_gbench(*s, gbench(1.2), "b.json", "pr", "def");
  const GateReport r = gate_compare(*s, "main", "pr");
  ASSERT_EQ(r.workloads.size(), 2u);
  EXPECT_EQ(r.workloads[0].metrics.at(0).name, "time");
  EXPECT_EQ(r.workloads[0].metrics.at(0).verdict, stats::GateVerdict::regressed);
  EXPECT_NEAR(r.workloads[0].metrics.at(0).estimate.ratio, 1.2, 1e-3);
  EXPECT_NE(r.workloads[1].metrics.at(0).verdict, stats::GateVerdict::regressed);  // BM_norm unchanged
}

TEST(GbenchImport, AMalformedFileNamesTheKeyAndWritesNothing) {
  TempDir dir;
  auto s = store::open_store(dir / "b.db", store::OpenMode::read_write);
  auto field = [&](const nlohmann::json& j) {
    try {
      (void)import_gbench(*s, j, "x.json", "l", "");
    } catch (const InputError& e) {
      return e.field();
    }
    return std::string("accepted");
  };
  nlohmann::json j = gbench(1.0);
  j["benchmarks"][3]["real_time"] = -1;
  EXPECT_EQ(field(j), "benchmarks[3].real_time");
  j = gbench(1.0);
  j["benchmarks"][2]["time_unit"] = "ks";
  EXPECT_EQ(field(j), "benchmarks[2].time_unit");
  j = gbench(1.0);
  j["benchmarks"][0].erase("name");
  EXPECT_EQ(field(j), "benchmarks[0].name");
  EXPECT_EQ(field(nlohmann::json{{"context", nlohmann::json::object()}}), "benchmarks");
  EXPECT_EQ(field(nlohmann::json{{"context", 3}, {"benchmarks", nlohmann::json::array()}}), "context");
  EXPECT_EQ(field(nlohmann::json{{"benchmarks", nlohmann::json::array()}}), "benchmarks");
  EXPECT_TRUE(s->list_runs().empty());
}
