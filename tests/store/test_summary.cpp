// The measured-vs-predicted table and the run statistics, checked against sums worked out by
// hand: per-kind medians, the unattributed row (wall minus ops), means that add up to the step.
#include <gtest/gtest.h>

#include "store/summary.hpp"

using namespace looplab::store;

namespace {

void add_op(RunRows& r, std::int64_t rep, std::int64_t step, std::int64_t op, const char* kind, std::int64_t ns) {
  OpRow o;
  o.repeat_index = rep;
  o.step_index = step;
  o.op_index = op;
  o.kind = kind;
  o.name = kind;
  o.start_ns = 10;
  o.end_ns = 10 + ns;
  r.ops.push_back(o);
}

// Two repeats of prefill (step 0) + two decode steps; ops embed, gemm, gemm per step.
RunRows sample() {
  RunRows r;
  const std::int64_t wall[2][3] = {{1000, 600, 700}, {1200, 500, 800}};
  const std::int64_t ops[2][3][3] = {{{100, 200, 300}, {50, 100, 150}, {60, 110, 160}},
                                     {{120, 200, 300}, {40, 100, 100}, {70, 120, 170}}};
  for (int rep = 0; rep < 2; ++rep)
    for (int step = 0; step < 3; ++step) {
      const std::int64_t op_sum = ops[rep][step][0] + ops[rep][step][1] + ops[rep][step][2];
      r.steps.push_back({rep, step, step == 0 ? "prefill" : "decode", 1, 8 + step, 5000 * step,
                         5000 * step + wall[rep][step], wall[rep][step] - op_sum});
      add_op(r, rep, step, 0, "embed", ops[rep][step][0]);
      add_op(r, rep, step, 1, "gemm", ops[rep][step][1]);
      add_op(r, rep, step, 2, "gemm", ops[rep][step][2]);
    }
  const double pred[3][2] = {{100e-9, 400e-9}, {50e-9, 250e-9}, {70e-9, 270e-9}};
  for (int step = 0; step < 3; ++step) {
    r.predictions.push_back({step, 0, "embed", "embed", pred[step][0], 0, 0, "memory"});
    r.predictions.push_back({step, 1, "gemm", "gemm", pred[step][1] / 2, 0, 0, "compute"});
    r.predictions.push_back({step, 2, "gemm", "gemm", pred[step][1] / 2, 0, 0, "compute"});
  }
  return r;
}

}  // namespace

TEST(Summary, KindTableMatchesHandSums) {
  auto t = kind_table(sample());
  ASSERT_EQ(t.size(), 8u);
  const char* expect[][2] = {{"prefill", "embed"},       {"prefill", "gemm"}, {"prefill", "unattributed"},
                             {"prefill", "step"},        {"decode", "embed"}, {"decode", "gemm"},
                             {"decode", "unattributed"}, {"decode", "step"}};
  for (std::size_t i = 0; i < t.size(); ++i) {
    EXPECT_EQ(t[i].phase, expect[i][0]);
    EXPECT_EQ(t[i].kind, expect[i][1]);
  }
  // prefill embed: samples 100, 120 ns -> median 110; predicted 100 -> -9.09 %
  EXPECT_EQ(t[0].measured.samples, 2);
  EXPECT_NEAR(t[0].measured.median, 110e-9, 1e-15);
  EXPECT_NEAR(t[0].measured.p10, 102e-9, 1e-15);
  EXPECT_NEAR(*t[0].predicted_s, 100e-9, 1e-15);
  EXPECT_NEAR(*t[0].error_pct, -100.0 / 11.0, 1e-9);
  // prefill gemm: 200+300 both repeats -> 500; predicted 400 -> -20 %
  EXPECT_NEAR(t[1].measured.median, 500e-9, 1e-15);
  EXPECT_NEAR(*t[1].error_pct, -20.0, 1e-9);
  // prefill unattributed: 1000 - 600 = 400, 1200 - 620 = 580 -> 490; nothing predicts it
  EXPECT_NEAR(t[2].measured.median, 490e-9, 1e-15);
  EXPECT_FALSE(t[2].predicted_s);
  // prefill step: walls 1000, 1200 -> 1100; predicted sum 500 -> -54.5 %
  EXPECT_NEAR(t[3].measured.median, 1100e-9, 1e-15);
  EXPECT_NEAR(*t[3].predicted_s, 500e-9, 1e-15);
  // decode embed: 50, 60, 40, 70 -> median 55, p10 43, p90 67; predicted mean(50, 70) = 60
  EXPECT_EQ(t[4].measured.samples, 4);
  EXPECT_NEAR(t[4].measured.median, 55e-9, 1e-15);
  EXPECT_NEAR(t[4].measured.p10, 43e-9, 1e-15);
  EXPECT_NEAR(t[4].measured.p90, 67e-9, 1e-15);
  EXPECT_NEAR(*t[4].predicted_s, 60e-9, 1e-15);
  EXPECT_NEAR(*t[4].error_pct, 500.0 / 55.0, 1e-9);
  // decode gemm: 250, 270, 200, 290 -> 260; predicted mean(250, 270) = 260 -> 0 %
  EXPECT_NEAR(t[5].measured.median, 260e-9, 1e-15);
  EXPECT_NEAR(*t[5].error_pct, 0.0, 1e-9);
  // decode unattributed: 600-300, 700-330, 500-240, 800-360 = 300, 370, 260, 440 -> 335
  EXPECT_NEAR(t[6].measured.median, 335e-9, 1e-15);
  // decode step: walls 600, 700, 500, 800 -> 650; predicted mean(300, 340) = 320
  EXPECT_NEAR(t[7].measured.median, 650e-9, 1e-15);
  EXPECT_NEAR(*t[7].predicted_s, 320e-9, 1e-15);
  // The means add up: embed 55 + gemm 252.5 + unattributed 342.5 = step 650 (the medians do not:
  // 55 + 260 + 335 = 650 here only by chance of these numbers; prefill: 110 + 500 + 490 = 1100).
  EXPECT_NEAR(t[4].measured_mean_s + t[5].measured_mean_s + t[6].measured_mean_s, t[7].measured_mean_s, 1e-15);
  EXPECT_NEAR(t[7].measured_mean_s, 650e-9, 1e-15);
  EXPECT_NEAR(t[5].measured_mean_s, 252.5e-9, 1e-15);

  RunStats s = run_stats(sample());
  EXPECT_NEAR(*s.prefill.median_s, 1100e-9, 1e-15);
  EXPECT_NEAR(*s.prefill.unattributed_s, 490e-9, 1e-15);
  EXPECT_NEAR(*s.decode.median_s, 650e-9, 1e-15);
  EXPECT_NEAR(*s.decode.p10_s, 530e-9, 1e-15);  // 500 + 0.3 * (600 - 500)
  EXPECT_NEAR(*s.decode.p90_s, 770e-9, 1e-15);  // 700 + 0.7 * (800 - 700)
  EXPECT_NEAR(*s.decode.unattributed_s, 335e-9, 1e-15);
  EXPECT_EQ(s.decode.samples, 4);
  EXPECT_LE(*s.decode.ci_lo_s, 650e-9);
  EXPECT_GE(*s.decode.ci_hi_s, 650e-9);
  EXPECT_NEAR(*s.predicted_decode_s, 320e-9, 1e-15);
  // Four samples are too few to know a median: unusable, and the reason says so.
  EXPECT_EQ(s.decode.verdict, "unusable");
  EXPECT_EQ(s.verdict, "unusable");
  EXPECT_NE(s.verdict_reason.find("decode: 4 samples"), std::string::npos) << s.verdict_reason;
}

// A run of many tight steps is quiet; one in which half the steps stalled is not, and says why.
TEST(Summary, VerdictFollowsTheSpread) {
  RunRows r;
  for (int rep = 0; rep < 5; ++rep)
    for (int step = 0; step < 9; ++step) {
      const std::int64_t wall = step == 0 ? 10000 + rep : 1000 + (step % 3);  // within 0.2%
      r.steps.push_back({rep, step, step == 0 ? "prefill" : "decode", 1, 8 + step, 0, wall, wall});
    }
  RunStats quiet = run_stats(r);
  EXPECT_EQ(quiet.decode.samples, 5 * 8);
  EXPECT_EQ(quiet.decode.verdict, "quiet");
  EXPECT_EQ(quiet.prefill.verdict, "quiet");
  EXPECT_EQ(quiet.verdict, "quiet");
  EXPECT_TRUE(quiet.verdict_reason.empty());
  for (StepRow& s : r.steps)
    if (s.phase == "decode" && s.step_index % 2 == 0) s.end_ns = 2 * s.end_ns;  // half of them 2x
  RunStats noisy = run_stats(r);
  EXPECT_NE(noisy.decode.verdict, "quiet");
  EXPECT_EQ(noisy.verdict, noisy.decode.verdict);
  EXPECT_NE(noisy.verdict_reason.find("decode: 95% interval"), std::string::npos) << noisy.verdict_reason;
}

TEST(Summary, DeviceTimeIsTheMeasurementWhenPresent) {
  RunRows r = sample();
  for (OpRow& o : r.ops) o.device_ns = 1000;
  auto t = kind_table(r);
  EXPECT_NEAR(t[1].measured.median, 2000e-9, 1e-15);  // two gemm ops of 1000 ns
}

TEST(Summary, CompareRatiosAndDifferences) {
  RunRows a = sample(), b = sample();
  for (StepRow& s : b.steps) s.end_ns = s.start_ns + 2 * (s.end_ns - s.start_ns);
  for (OpRow& o : b.ops)
    if (o.kind == "embed") o.end_ns = o.start_ns + 3 * (o.end_ns - o.start_ns);
  auto steps = compare_by_step(a, b);
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0].what, "step 0");
  EXPECT_EQ(steps[0].phase, "prefill");
  EXPECT_NEAR(*steps[0].a_s, 1100e-9, 1e-15);
  EXPECT_NEAR(*steps[0].ratio, 2.0, 1e-12);
  EXPECT_NEAR(*steps[0].diff_s, 1100e-9, 1e-15);
  EXPECT_NEAR(*steps[2].a_s, 750e-9, 1e-15);  // step 2: walls 700, 800
  auto kinds = compare_by_kind(a, b);
  ASSERT_EQ(kinds.size(), 8u);
  EXPECT_EQ(kinds[4].what, "embed");
  EXPECT_NEAR(*kinds[4].ratio, 3.0, 1e-12);
  EXPECT_NEAR(*kinds[5].ratio, 1.0, 1e-12);  // gemm unchanged
}
