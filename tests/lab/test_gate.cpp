// The gate's comparison on a real store: a slower candidate is `regressed` and names the metric,
// the same timings are `pass`, too few noisy samples are `inconclusive`; workloads match on the
// work, not on the environment; bad labels name the field.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/core/error.hpp"
#include "lab/gate.hpp"
#include "tests/store/sample_rows.hpp"
#include "tests/store/temp_dir.hpp"

using namespace looplab;
using namespace looplab::lab;
using looplab::testing::TempDir;

namespace {

// A complete run: `repeats` x (one prefill of `prefill_s`, `steps` decode steps of `decode_s`
// scaled by a fixed +-2% pattern, the same for every run so the comparison is exact).
store::RunId add_run(store::Store& s, const std::string& label, std::int64_t batch, double decode_s, double prefill_s,
                     std::int64_t threads = 2, int repeats = 3, int steps = 16) {
  store::RunInfo info;
  info.label = label;
  info.model = "small";
  info.variant = "plt";
  info.loops = 2;
  info.config_json = R"({"name":"small","variant":"plt","loops":2})";
  info.batch = batch;
  info.prompt_len = 32;
  info.decode_steps = steps;
  info.backend = "cpu";
  info.tracer = "host";
  info.threads = threads;
  const store::RunId id = s.begin_run(info);
  store::RunRows rows;
  std::int64_t t = 0;
  for (int r = 0; r < repeats; ++r)
    for (int k = 0; k <= steps; ++k) {
      const double jitter = 1.0 + 0.02 * std::sin(1.7 * k + 0.3 * r);
      const double d = (k == 0 ? prefill_s : decode_s) * jitter;
      const auto ns = static_cast<std::int64_t>(std::llround(d * 1e9));
      rows.steps.push_back({r, k, k == 0 ? "prefill" : "decode", batch, 32 + k, t, t + ns, 0});
      t += ns;
    }
  s.append(id, rows);
  looplab::testing::finish(s, id, store::RunStatus::complete);
  return id;
}

}  // namespace

TEST(Gate, ASlowerCandidateRegressesAndTheSameOnePasses) {
  TempDir dir;
  auto s = store::open_store(dir / "g.db", store::OpenMode::read_write);
  add_run(*s, "main", 4, 1e-3, 5e-3);
  add_run(*s, "main", 4, 1e-3, 5e-3);
  add_run(*s, "same", 4, 1e-3, 5e-3);
  add_run(*s, "slow", 4, 1.10e-3, 5e-3, /*threads=*/1);  // decode 10% slower, prefill unchanged

  const GateReport slow = gate_compare(*s, "main", "slow");
  ASSERT_EQ(slow.workloads.size(), 1u);
  const GateWorkload& w = slow.workloads[0];
  EXPECT_EQ(w.name, "small plt L=2 B=4 P=32 cpu");
  EXPECT_EQ(w.baseline_runs.size(), 2u);
  ASSERT_EQ(w.metrics.size(), 2u);
  EXPECT_EQ(w.metrics[0].name, "decode step");
  EXPECT_NEAR(w.metrics[0].estimate.ratio, 1.10, 0.01);
  EXPECT_EQ(w.metrics[0].verdict, stats::GateVerdict::regressed);
  EXPECT_EQ(w.metrics[1].name, "prefill");
  EXPECT_NE(w.metrics[1].verdict, stats::GateVerdict::regressed);
  EXPECT_EQ(slow.overall, stats::GateVerdict::regressed);
  EXPECT_EQ(gate_exit_code(slow.overall), 1);
  // threads differ: matched anyway (the work is the same), and said
  ASSERT_EQ(w.environment.size(), 1u);
  EXPECT_EQ(w.environment[0], "threads 2 -> 1");

  const GateReport same = gate_compare(*s, "main", "same");
  EXPECT_EQ(same.overall, stats::GateVerdict::pass);
  EXPECT_EQ(gate_exit_code(same.overall), 0);
  EXPECT_NEAR(same.workloads[0].metrics[0].estimate.ratio, 1.0, 1e-9);
}

TEST(Gate, TooFewNoisySamplesAreInconclusive) {
  TempDir dir;
  auto s = store::open_store(dir / "g.db", store::OpenMode::read_write);
  // one repeat of 2 decode steps each: the interval cannot exclude the 5% threshold
  add_run(*s, "a", 1, 1e-3, 5e-3, 2, 1, 2);
  add_run(*s, "b", 1, 1.06e-3, 5e-3, 2, 1, 2);
  const GateReport r = gate_compare(*s, "a", "b");
  EXPECT_EQ(r.workloads[0].metrics[0].verdict, stats::GateVerdict::inconclusive);
  EXPECT_EQ(gate_exit_code(r.overall), 3);
}

TEST(Gate, WorkloadsMatchOnTheWork) {
  TempDir dir;
  auto s = store::open_store(dir / "g.db", store::OpenMode::read_write);
  add_run(*s, "main", 4, 1e-3, 5e-3);
  add_run(*s, "main", 8, 2e-3, 9e-3);
  add_run(*s, "pr", 8, 2e-3, 9e-3);
  add_run(*s, "pr", 16, 3e-3, 9e-3);
  const GateReport r = gate_compare(*s, "main", "pr");
  ASSERT_EQ(r.workloads.size(), 1u);
  EXPECT_EQ(r.workloads[0].name, "small plt L=2 B=8 P=32 cpu");
  EXPECT_EQ(r.only_baseline, std::vector<std::string>{"small plt L=2 B=4 P=32 cpu"});
  EXPECT_EQ(r.only_candidate, std::vector<std::string>{"small plt L=2 B=16 P=32 cpu"});
}

TEST(Gate, BadInputNamesTheField) {
  TempDir dir;
  auto s = store::open_store(dir / "g.db", store::OpenMode::read_write);
  add_run(*s, "main", 4, 1e-3, 5e-3);
  add_run(*s, "other", 8, 1e-3, 5e-3);
  auto field = [&](const std::string& b, const std::string& c, GateOptions o = {}) {
    try {
      (void)gate_compare(*s, b, c, o);
    } catch (const InputError& e) {
      return e.field();
    }
    return std::string("accepted");
  };
  EXPECT_EQ(field("nope", "main"), "baseline");
  EXPECT_EQ(field("main", "nope"), "candidate");
  EXPECT_EQ(field("main", "other"), "candidate");  // nothing matches
  GateOptions bad;
  bad.threshold = -0.1;
  EXPECT_EQ(field("main", "main", bad), "threshold");
}
