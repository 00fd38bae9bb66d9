// The gate's comparison on a real store: a slower candidate is `regressed` and names the metric,
// the same timings are `pass`, too few noisy samples are `inconclusive`; workloads match on the
// work, not on the environment; bad labels name the field.
#include <gtest/gtest.h>

#include <cmath>
#include <optional>

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

TEST(Gate, ThreeRunsASideCannotBeSignificantAndTheReportSaysSo) {
  TempDir dir;
  auto s = store::open_store(dir / "g.db", store::OpenMode::read_write);
  // Run medians: Mann-Whitney U of 3 against 3 reaches p 0.081 at best, so a 20% slowdown is
  // `inconclusive` (never `regressed`) and the metric carries a note; a fourth run a side lets it
  // be called. Run medians differ a little (+-0.1%) so the bootstrap interval has a width.
  for (int i = 0; i < 3; ++i) {
    add_run(*s, "base", 4, 1e-3 * (1 + 0.001 * i), 5e-3);
    add_run(*s, "cand", 4, 1.2e-3 * (1 + 0.001 * i), 5e-3);
  }
  const GateReport three = gate_compare(*s, "base", "cand");
  const GateMetric& m3 = three.workloads[0].metrics[0];
  EXPECT_EQ(m3.unit, "runs");
  EXPECT_EQ(m3.verdict, stats::GateVerdict::inconclusive);
  EXPECT_NE(m3.note.find("3+3 runs cannot be significant at alpha 0.05 (smallest p 0.0809)"), std::string::npos)
      << m3.note;
  add_run(*s, "base", 4, 1.003e-3, 5e-3);
  add_run(*s, "cand", 4, 1.2036e-3, 5e-3);
  const GateReport four = gate_compare(*s, "base", "cand");
  EXPECT_EQ(four.workloads[0].metrics[0].verdict, stats::GateVerdict::regressed);
  EXPECT_TRUE(four.workloads[0].metrics[0].note.empty());
}

TEST(Gate, RunsThatUsedDifferentThreadCountsAreNamed) {
  TempDir dir;
  auto s = store::open_store(dir / "g.db", store::OpenMode::read_write);
  for (const char* label : {"a", "b"}) {
    add_run(*s, label, 4, 1e-3, 5e-3, /*threads=*/1);
    add_run(*s, label, 4, 1e-3, 5e-3, /*threads=*/2);
  }
  add_run(*s, "c", 4, 1e-3, 5e-3, /*threads=*/2);
  const GateReport same = gate_compare(*s, "a", "b");
  ASSERT_EQ(same.workloads[0].environment.size(), 1u);
  EXPECT_EQ(same.workloads[0].environment[0],
            "threads differ between runs of each side (1,2): fix `threads` in the suite so every run does the same "
            "work");
  const GateReport other = gate_compare(*s, "a", "c");
  ASSERT_EQ(other.workloads[0].environment.size(), 1u);
  EXPECT_EQ(other.workloads[0].environment[0], "threads 1,2 -> 2");
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
  auto field = [&](const std::string& b, const std::string& c, const GateOptions& o = {}) {
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

namespace {

// A run with its ops: each decode step is gate_up_proj (60%) and attn_global (40%) of
// `decode_s`, the attention scaled by `attn_factor`; tagged with a commit and a hardware spec,
// and a prediction stored with it.
struct Spec {
  std::string label, commit = "c0ffee", hardware_json = "{\"name\":\"h200\"}";
  double decode_s = 1e-3, attn_factor = 1.0;
  std::optional<double> predicted_decode_s = std::nullopt;
  int repeats = 3, steps = 16;
  std::string branch = "";
  std::optional<std::int64_t> kv_bytes = std::nullopt;
};

store::RunId add_run_with_ops(store::Store& s, const Spec& sp) {
  store::RunInfo info;
  info.label = sp.label;
  info.model = "small";
  info.variant = "plt";
  info.loops = 2;
  info.config_json = R"({"name":"small","variant":"plt","loops":2})";
  info.batch = 4;
  info.prompt_len = 32;
  info.decode_steps = sp.steps;
  info.backend = "cpu";
  info.tracer = "host";
  info.threads = 2;
  info.engine_commit = sp.commit;
  info.branch = sp.branch;
  info.kv_bytes = sp.kv_bytes;
  info.hardware = "h200";
  info.hardware_json = sp.hardware_json;
  const store::RunId id = s.begin_run(info);
  store::RunRows rows;
  std::int64_t t = 0;
  for (int r = 0; r < sp.repeats; ++r)
    for (int k = 1; k <= sp.steps; ++k) {
      const double jitter = 1.0 + 0.01 * std::sin(1.7 * k + 0.3 * r);
      const auto gemm = static_cast<std::int64_t>(std::llround(0.6 * sp.decode_s * jitter * 1e9));
      const auto attn = static_cast<std::int64_t>(std::llround(0.4 * sp.decode_s * sp.attn_factor * jitter * 1e9));
      rows.steps.push_back({r, k, "decode", 4, 32 + k, t, t + gemm + attn, 0});
      store::OpRow a;
      a.repeat_index = r;
      a.step_index = k;
      a.op_index = 0;
      a.name = "layer0.loop1.gate_up_proj";
      a.kind = "gate_up_proj";
      a.start_ns = t;
      a.end_ns = t + gemm;
      store::OpRow b = a;
      b.op_index = 1;
      b.name = "layer0.loop1.attn_global";
      b.kind = "attn_global";
      b.start_ns = t + gemm;
      b.end_ns = t + gemm + attn;
      rows.ops.push_back(a);
      rows.ops.push_back(b);
      t += gemm + attn;
    }
  s.append(id, rows);
  store::RunStats stats;
  stats.predicted_decode_s = sp.predicted_decode_s;
  looplab::testing::finish(s, id, store::RunStatus::complete, stats);
  return id;
}

}  // namespace

TEST(Gate, ARegressionNamesTheOpKindsBehindIt) {
  TempDir dir;
  auto s = store::open_store(dir / "g.db", store::OpenMode::read_write);
  add_run_with_ops(*s, {.label = "main"});
  add_run_with_ops(*s, {.label = "pr", .attn_factor = 1.5});  // attention 50% slower: the step 20%
  const GateReport r = gate_compare(*s, "main", "pr");
  const GateMetric& m = r.workloads.at(0).metrics.at(0);
  EXPECT_EQ(m.verdict, stats::GateVerdict::regressed);
  EXPECT_NEAR(m.estimate.ratio, 1.2, 0.01);
  ASSERT_EQ(m.kinds.size(), 1u);  // only attention moved
  EXPECT_EQ(m.kinds[0].kind, "attn_global");
  EXPECT_DOUBLE_EQ(m.kinds[0].share, 1.0);
  EXPECT_NEAR(m.kinds[0].candidate_s / m.kinds[0].baseline_s, 1.5, 0.01);
}

TEST(Gate, SidesByCommitAndFromASecondStore) {
  TempDir dir;
  auto main_store = store::open_store(dir / "main.db", store::OpenMode::read_write);
  auto pr_store = store::open_store(dir / "pr.db", store::OpenMode::read_write);
  add_run_with_ops(*main_store, {.label = "nightly", .commit = "aaa111"});
  add_run_with_ops(*pr_store, {.label = "ci", .commit = "bbb222", .attn_factor = 1.5});
  const GateReport r = gate_compare(*main_store, parse_run_selector("commit:aaa", "baseline"), *pr_store,
                                    parse_run_selector("commit:bbb2", "candidate"));
  EXPECT_EQ(r.baseline_label, "commit aaa");
  EXPECT_EQ(r.overall, stats::GateVerdict::regressed);
  EXPECT_EQ(r.workloads.at(0).environment, std::vector<std::string>{"commit aaa111 -> bbb222"});
  // a commit prefix selecting nothing names its side
  try {
    (void)gate_compare(*main_store, parse_run_selector("commit:bbb", "baseline"), *pr_store,
                       parse_run_selector("ci", "candidate"));
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "baseline");
  }
  EXPECT_THROW((void)parse_run_selector("commit:", "baseline"), InputError);
  EXPECT_THROW((void)parse_run_selector("", "candidate"), InputError);
}

TEST(Gate, PairedRunsAreComparedPairByPair) {
  TempDir dir;
  auto s = store::open_store(dir / "g.db", store::OpenMode::read_write);
  // the machine drifts: each pair is 10% slower than the one before, the candidate 8% slower
  // than its baseline within every pair. Pooled, the drift hides it; paired, it shows.
  for (int k = 0; k < 8; ++k) {
    const double drift = std::pow(1.10, k);
    add_run_with_ops(*s, {.label = "base", .decode_s = 1e-3 * drift, .repeats = 1, .steps = 4});
    add_run_with_ops(*s, {.label = "cand", .decode_s = 1.08e-3 * drift, .repeats = 1, .steps = 4});
  }
  GateOptions paired;
  paired.paired = true;
  const GateMetric p = gate_compare(*s, "base", "cand", paired).workloads.at(0).metrics.at(0);
  EXPECT_NEAR(p.estimate.ratio, 1.08, 0.002);
  EXPECT_EQ(p.estimate.n_baseline, 8);
  EXPECT_EQ(p.verdict, stats::GateVerdict::regressed);
  const GateMetric pooled = gate_compare(*s, "base", "cand").workloads.at(0).metrics.at(0);
  EXPECT_NE(pooled.verdict, stats::GateVerdict::regressed);
}

TEST(Gate, SuiteThresholdsAndNamesApply) {
  TempDir dir;
  auto s = store::open_store(dir / "g.db", store::OpenMode::read_write);
  add_run_with_ops(*s, {.label = "main"});
  add_run_with_ops(*s, {.label = "pr", .attn_factor = 1.25});  // the step +10%
  GateOptions o;
  SuiteEntry e{"small-plt-b4", {{"decode step", 0.15}}};
  o.suite[work_key(R"({"name":"small","variant":"plt","loops":2})", 4, 32, 16)] = e;
  const GateReport r = gate_compare(*s, "main", "pr", o);
  EXPECT_EQ(r.workloads.at(0).name, "small-plt-b4 (cpu)");
  const GateMetric& m = r.workloads.at(0).metrics.at(0);
  EXPECT_DOUBLE_EQ(m.threshold, 0.15);
  EXPECT_EQ(m.verdict, stats::GateVerdict::pass);                                    // +10% is within its 15%
  EXPECT_EQ(gate_compare(*s, "main", "pr").overall, stats::GateVerdict::regressed);  // the default 5%
}

TEST(Gate, PredictionsAreComparedOnOneHardwareSpecOnly) {
  TempDir dir;
  auto s = store::open_store(dir / "g.db", store::OpenMode::read_write);
  add_run_with_ops(*s, {.label = "main", .predicted_decode_s = 1.0e-3});
  add_run_with_ops(*s, {.label = "pr", .predicted_decode_s = 1.03e-3});
  add_run_with_ops(
      *s, {.label = "host", .hardware_json = "{\"name\":\"host\",\"measured\":2}", .predicted_decode_s = 2e-3});
  const GateReport r = gate_compare(*s, "main", "pr");
  const auto& ms = r.workloads.at(0).metrics;
  ASSERT_EQ(ms.size(), 2u);
  EXPECT_EQ(ms[1].name, "predicted decode step");
  EXPECT_TRUE(ms[1].exact);
  EXPECT_NEAR(ms[1].estimate.ratio, 1.03, 1e-12);
  EXPECT_EQ(ms[1].verdict, stats::GateVerdict::pass);  // 3% within 5%
  GateOptions tight;
  tight.threshold = 0.01;
  EXPECT_EQ(gate_compare(*s, "main", "pr", tight).workloads.at(0).metrics.at(1).verdict, stats::GateVerdict::regressed);
  // another spec: not compared, and said
  const GateReport h = gate_compare(*s, "main", "host");
  EXPECT_EQ(h.workloads.at(0).metrics.size(), 1u);
  ASSERT_FALSE(h.workloads.at(0).environment.empty());
  EXPECT_NE(h.workloads.at(0).environment.back().find("predictions not compared"), std::string::npos);
}

TEST(Gate, ABranchSelectsItsNewestCommit) {
  TempDir dir;
  auto s = store::open_store(dir / "g.db", store::OpenMode::read_write);
  add_run_with_ops(*s, {.label = "ci", .commit = "aaa111", .attn_factor = 1.5, .branch = "main"});
  add_run_with_ops(*s, {.label = "ci", .commit = "bbb222", .branch = "main"});  // the tip: fast again
  add_run_with_ops(*s, {.label = "ci", .commit = "ccc333", .attn_factor = 1.5, .branch = "feature"});
  add_run_with_ops(*s, {.label = "pr", .commit = "ddd444"});
  const GateReport r =
      gate_compare(*s, parse_run_selector("branch:main", "baseline"), *s, parse_run_selector("pr", "candidate"));
  EXPECT_EQ(r.baseline_label, "branch main at bbb222");
  ASSERT_EQ(r.workloads.size(), 1u);
  EXPECT_EQ(r.workloads[0].baseline_runs, std::vector<store::RunId>{2});  // only the tip's run
  EXPECT_EQ(r.overall, stats::GateVerdict::pass);
  const GateReport f =
      gate_compare(*s, parse_run_selector("branch:main", "baseline"), *s, parse_run_selector("branch:feature", "c"));
  EXPECT_EQ(f.overall, stats::GateVerdict::regressed);
  try {
    (void)gate_compare(*s, parse_run_selector("branch:release", "baseline"), *s, parse_run_selector("pr", "c"));
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "baseline");
    EXPECT_NE(std::string(e.what()).find("release"), std::string::npos);
  }
  EXPECT_THROW((void)parse_run_selector("branch:", "baseline"), InputError);
}

TEST(Gate, KvBytesAreComparedExactly) {
  TempDir dir;
  auto s = store::open_store(dir / "g.db", store::OpenMode::read_write);
  add_run_with_ops(*s, {.label = "main", .kv_bytes = 1'048'576});
  add_run_with_ops(*s, {.label = "same", .kv_bytes = 1'048'576});
  add_run_with_ops(*s, {.label = "grown", .kv_bytes = 1'048'577});  // one byte more
  add_run_with_ops(*s, {.label = "old"});                           // stored before KV bytes were
  auto kv = [](const GateReport& r) -> const GateMetric* {
    for (const GateMetric& m : r.workloads.at(0).metrics)
      if (m.name == "kv bytes") return &m;
    return nullptr;
  };
  const GateReport same = gate_compare(*s, "main", "same");
  ASSERT_NE(kv(same), nullptr);
  EXPECT_EQ(kv(same)->verdict, stats::GateVerdict::pass);
  EXPECT_TRUE(kv(same)->exact);
  EXPECT_TRUE(kv(same)->bytes);
  const GateReport grown = gate_compare(*s, "main", "grown");
  ASSERT_NE(kv(grown), nullptr);
  EXPECT_EQ(kv(grown)->verdict, stats::GateVerdict::regressed);
  EXPECT_DOUBLE_EQ(kv(grown)->candidate_median_s, 1'048'577.0);
  EXPECT_EQ(grown.overall, stats::GateVerdict::regressed);
  const GateReport shrunk = gate_compare(*s, "grown", "main");
  EXPECT_EQ(kv(shrunk)->verdict, stats::GateVerdict::improved);
  // unknown on one side: not compared rather than compared with zero
  EXPECT_EQ(kv(gate_compare(*s, "old", "main")), nullptr);
}
