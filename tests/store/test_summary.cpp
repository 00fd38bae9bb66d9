// Distributions and the measured-vs-predicted table, checked against sums worked out by hand.
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
      r.steps.push_back({rep, step, step == 0 ? "prefill" : "decode", 1, 8 + step, 5000 * step,
                         5000 * step + wall[rep][step]});
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

TEST(Summary, PercentilesInterpolate) {
  Distribution d = distribution({11, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  EXPECT_EQ(d.samples, 11);
  EXPECT_DOUBLE_EQ(d.median_s, 6);
  EXPECT_DOUBLE_EQ(d.p10_s, 2);
  EXPECT_DOUBLE_EQ(d.p90_s, 10);
  d = distribution({4, 3, 2, 1});
  EXPECT_DOUBLE_EQ(d.median_s, 2.5);
  EXPECT_DOUBLE_EQ(d.p10_s, 1.3);  // position 0.3 between 1 and 2
  EXPECT_DOUBLE_EQ(d.p90_s, 3.7);
  EXPECT_EQ(distribution({}).samples, 0);
}

TEST(Summary, KindTableMatchesHandSums) {
  auto t = kind_table(sample());
  ASSERT_EQ(t.size(), 6u);
  const char* expect[][2] = {{"prefill", "embed"}, {"prefill", "gemm"}, {"prefill", "step"},
                             {"decode", "embed"},  {"decode", "gemm"},  {"decode", "step"}};
  for (std::size_t i = 0; i < t.size(); ++i) {
    EXPECT_EQ(t[i].phase, expect[i][0]);
    EXPECT_EQ(t[i].kind, expect[i][1]);
  }
  // prefill embed: samples 100, 120 ns -> median 110; predicted 100 -> -9.09 %
  EXPECT_EQ(t[0].measured.samples, 2);
  EXPECT_NEAR(t[0].measured.median_s, 110e-9, 1e-15);
  EXPECT_NEAR(t[0].measured.p10_s, 102e-9, 1e-15);
  EXPECT_NEAR(*t[0].predicted_s, 100e-9, 1e-15);
  EXPECT_NEAR(*t[0].error_pct, -100.0 / 11.0, 1e-9);
  // prefill gemm: 200+300 both repeats -> 500; predicted 400 -> -20 %
  EXPECT_NEAR(t[1].measured.median_s, 500e-9, 1e-15);
  EXPECT_NEAR(*t[1].error_pct, -20.0, 1e-9);
  // prefill step: walls 1000, 1200 -> 1100; predicted sum 500 -> -54.5 %
  EXPECT_NEAR(t[2].measured.median_s, 1100e-9, 1e-15);
  EXPECT_NEAR(*t[2].predicted_s, 500e-9, 1e-15);
  // decode embed: 50, 60, 40, 70 -> median 55, p10 43, p90 67; predicted mean(50, 70) = 60
  EXPECT_EQ(t[3].measured.samples, 4);
  EXPECT_NEAR(t[3].measured.median_s, 55e-9, 1e-15);
  EXPECT_NEAR(t[3].measured.p10_s, 43e-9, 1e-15);
  EXPECT_NEAR(t[3].measured.p90_s, 67e-9, 1e-15);
  EXPECT_NEAR(*t[3].predicted_s, 60e-9, 1e-15);
  EXPECT_NEAR(*t[3].error_pct, 500.0 / 55.0, 1e-9);
  // decode gemm: 250, 270, 200, 290 -> 260; predicted mean(250, 270) = 260 -> 0 %
  EXPECT_NEAR(t[4].measured.median_s, 260e-9, 1e-15);
  EXPECT_NEAR(*t[4].error_pct, 0.0, 1e-9);
  // decode step: walls 600, 700, 500, 800 -> 650; predicted mean(300, 340) = 320
  EXPECT_NEAR(t[5].measured.median_s, 650e-9, 1e-15);
  EXPECT_NEAR(*t[5].predicted_s, 320e-9, 1e-15);

  RunStats s = run_stats(sample());
  EXPECT_NEAR(*s.prefill_median_s, 1100e-9, 1e-15);
  EXPECT_NEAR(*s.decode_median_s, 650e-9, 1e-15);
  EXPECT_NEAR(*s.decode_p10_s, 530e-9, 1e-15);  // 500 + 0.3 * (600 - 500)
  EXPECT_NEAR(*s.decode_p90_s, 770e-9, 1e-15);  // 700 + 0.7 * (800 - 700)
  EXPECT_NEAR(*s.predicted_decode_s, 320e-9, 1e-15);
}

TEST(Summary, DeviceTimeIsTheMeasurementWhenPresent) {
  RunRows r = sample();
  for (OpRow& o : r.ops) o.device_ns = 1000;
  auto t = kind_table(r);
  EXPECT_NEAR(t[1].measured.median_s, 2000e-9, 1e-15);  // two gemm ops of 1000 ns
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
  ASSERT_EQ(kinds.size(), 6u);
  EXPECT_EQ(kinds[3].what, "embed");
  EXPECT_NEAR(*kinds[3].ratio, 3.0, 1e-12);
  EXPECT_NEAR(*kinds[4].ratio, 1.0, 1e-12);  // gemm unchanged
}
