// Leave-configuration-out: configurations are found where they start, a configuration's own
// records never reach the fit that predicts it, and a calibration that generalises is judged
// close while the in-sample figure is kept apart.
#include <gtest/gtest.h>

#include "engine/core/error.hpp"
#include "lab/held_out.hpp"
#include "simulator/predict.hpp"

using namespace looplab;
using namespace looplab::lab;

namespace {

HardwareSpec test_host() {
  auto num = [](double v) {
    SpecNumber n;
    n.measured = SourcedValue{v, "test value"};
    return n;
  };
  HardwareSpec h;
  h.name = "host";
  h.kind = HardwareKind::host;
  h.memory_bytes = num(16e9);
  h.mem_bw_bytes_per_s = num(10e9);
  h.peak_flops_f32 = num(50e9);
  h.sm_count = num(2);
  h.l2_bytes = num(1e6);
  h.launch_stream_s = num(2e-6);
  h.launch_graph_s = num(2e-6);
  return h;
}

// Records whose "measured" op times are the roofline's times scaled per kind: a machine that
// reaches `eff` of the roofline everywhere, plus a fixed 3 us per op. Any honest fit recovers it.
RecordSet synthetic(const HardwareSpec& hw, double eff) {
  RecordSet r;
  r.hardware = hw.name;
  r.launch = LaunchMode::stream;
  for (Variant v : {Variant::vanilla, Variant::looped, Variant::clp, Variant::plt})
    for (std::int64_t batch : {1, 4}) {
      ModelConfig c = load_model("tiny");
      c.variant = v;
      c.loops = v == Variant::vanilla ? 1 : 2;
      c.window = 4;
      const CostParams p = make_cost_params(c, hw, {LaunchMode::stream, Ceiling::measured});
      for (std::int64_t step = 0; step < 4; ++step) {
        const StepShape shape =
            step == 0 ? StepShape{Phase::prefill, batch, 8} : StepShape{Phase::decode, batch, 8 + step};
        StepRecord rec{c, shape, {}};
        for (const OpPrediction& op : predict_step(c, shape, p, OpDetail::every_op).ops) {
          const double roof = std::max(op.cost.flops / 50e9, op.cost.bytes() / 10e9);
          rec.op_time_s.push_back(roof / eff + 3e-6);
        }
        r.steps.push_back(std::move(rec));
      }
    }
  return r;
}

}  // namespace

TEST(HeldOut, ConfigurationsStartAtEachPrefill) {
  const RecordSet r = synthetic(test_host(), 0.5);
  const auto ids = configuration_of_records(r);
  ASSERT_EQ(ids.size(), 4u * 2u * 4u);
  EXPECT_EQ(ids.front(), 0);
  EXPECT_EQ(ids[3], 0);  // prefill + 3 decode steps
  EXPECT_EQ(ids[4], 1);
  EXPECT_EQ(ids.back(), 7);  // 4 variants x 2 batches
}

TEST(HeldOut, RecoversAMachineThatGeneralises) {
  const HardwareSpec hw = test_host();
  const RecordSet r = synthetic(hw, 0.5);
  const HeldOutReport h = leave_configuration_out(r, hw, Ceiling::measured);
  EXPECT_EQ(h.configurations, 8);
  EXPECT_EQ(h.decode.steps, 8 * 3);
  EXPECT_EQ(h.prefill.steps, 8);
  ASSERT_EQ(h.per_configuration.size(), 8u);
  EXPECT_EQ(h.per_configuration[0].label, "tiny vanilla L=1 batch 1 prompt 8");
  // The machine runs at half the roofline plus 3 us per op: the bare roofline is far off, the
  // calibration fitted on the other configurations predicts each one closely.
  EXPECT_GT(h.decode_uncalibrated.median, 0.3);
  EXPECT_LT(h.decode.median, 0.02);
  EXPECT_LT(h.prefill.median, 0.02);
}

// A configuration whose own records are wildly off must not help predict itself: if its records
// leaked into its fit, its held-out error would be small; left out, it is large.
TEST(HeldOut, NeverFitsOnTheConfigurationItPredicts) {
  const HardwareSpec hw = test_host();
  RecordSet r = synthetic(hw, 0.5);
  const auto ids = configuration_of_records(r);
  for (std::size_t i = 0; i < r.steps.size(); ++i)
    if (ids[i] == 3)
      for (double& t : r.steps[i].op_time_s) t *= 5;  // configuration 3 ran 5x slower
  const HeldOutReport h = leave_configuration_out(r, hw, Ceiling::measured);
  // Predicted from the other seven (which agree with each other), configuration 3 is off by
  // about 1 - 1/5 = 80%.
  EXPECT_GT(h.per_configuration[3].decode.median, 0.6);
  EXPECT_LT(h.per_configuration[0].decode.median, 0.5);
}

TEST(HeldOut, NeedsTwoConfigurations) {
  const HardwareSpec hw = test_host();
  RecordSet r = synthetic(hw, 0.5);
  r.steps.resize(4);  // one configuration
  EXPECT_THROW(leave_configuration_out(r, hw, Ceiling::measured), InputError);
}
