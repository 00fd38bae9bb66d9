// Kernel -> plan-op attribution through external correlation ids, the attributions lost,
// per-op device time, and NVTX marker pairing, on hand-built records (no GPU, no CUPTI library
// needed).
#include <gtest/gtest.h>

#include "profiler/attribution.hpp"

using namespace looplab;
using namespace looplab::profiler;

namespace {

KernelActivity kernel(std::uint32_t corr, std::int64_t start, std::int64_t end) {
  KernelActivity k;
  k.correlation_id = corr;
  k.start_ns = start;
  k.end_ns = end;
  k.name = "k" + std::to_string(corr);
  return k;
}

}  // namespace

TEST(Attribution, ExternalIdRoundTrips) {
  EXPECT_EQ(encode_external_id(0, 0), 0u);
  EXPECT_EQ(encode_external_id(3, 17), (3ull << 32) | 17u);
  OpRef r = decode_external_id(encode_external_id(123456, 4000000000u));
  EXPECT_EQ(r.step, 123456);
  EXPECT_EQ(r.op_index, 4000000000u);
}

TEST(Attribution, KernelsJoinPlanOpsThroughCorrelationIds) {
  DeviceActivity a;
  // Step 0 op 2 launched two kernels (calls 10, 11); step 1 op 0 one kernel (call 20) and a
  // memset (call 21); call 30 ran outside any op; call 40 was correlated by someone else
  // (OpenACC kind), which must not count as ours.
  a.correlations = {{kLooplabCorrelationKind, encode_external_id(0, 2), 10},
                    {kLooplabCorrelationKind, encode_external_id(0, 2), 11},
                    {kLooplabCorrelationKind, encode_external_id(1, 0), 20},
                    {kLooplabCorrelationKind, encode_external_id(1, 0), 21},
                    {2, encode_external_id(0, 1), 40}};
  a.kernels = {kernel(10, 1000, 1300), kernel(11, 1400, 1450), kernel(20, 5000, 5900), kernel(30, 7000, 7100),
               kernel(40, 8000, 8100)};
  MemsetActivity ms;
  ms.correlation_id = 21;
  a.memsets.push_back(ms);
  MemcpyActivity mc;
  mc.correlation_id = 30;
  a.memcpys.push_back(mc);

  AttributionStats s = attribute(a);
  EXPECT_EQ(s.kernels, 5u);
  EXPECT_EQ(s.kernels_attributed, 3u);
  EXPECT_EQ(s.copies_attributed, 1u);
  ASSERT_TRUE(a.kernels[0].op);
  EXPECT_EQ(*a.kernels[0].op, (OpRef{0, 2}));
  EXPECT_EQ(*a.kernels[1].op, (OpRef{0, 2}));
  EXPECT_EQ(*a.kernels[2].op, (OpRef{1, 0}));
  EXPECT_FALSE(a.kernels[3].op);
  EXPECT_FALSE(a.kernels[4].op);
  EXPECT_EQ(*a.memsets[0].op, (OpRef{1, 0}));
  EXPECT_FALSE(a.memcpys[0].op);

  Capture c;
  c.device = a;
  OpSpan s02, s01, s10;
  s02.step = 0;
  s02.op_index = 2;
  s01.step = 0;
  s01.op_index = 1;
  s10.step = 1;
  s10.op_index = 0;
  c.ops = {s01, s02, s10};
  auto t = device_time_per_op(c);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].device_ns, 0);  // op (0,1): no kernel of ours
  EXPECT_EQ(t[0].kernels, 0);
  EXPECT_EQ(t[1].device_ns, 300 + 50);
  EXPECT_EQ(t[1].kernels, 2);
  EXPECT_EQ(t[2].device_ns, 900);
  EXPECT_EQ(t[2].kernels, 1);
}

TEST(Attribution, MarkersPairIntoRanges) {
  std::vector<MarkerActivity> m = {
      {MarkerPhase::start, 100, 1, 7, 8, "decode step 0", "looplab"},
      {MarkerPhase::start, 120, 2, 7, 8, "embed", "looplab"},
      {MarkerPhase::end, 150, 2, 7, 8, "", ""},
      {MarkerPhase::instant, 160, 3, 7, 8, "mark", ""},
      {MarkerPhase::start, 170, 4, 7, 8, "never ends", "looplab"},
      {MarkerPhase::end, 900, 1, 7, 8, "", ""},
      {MarkerPhase::end, 950, 99, 7, 8, "", ""},  // end without a start
  };
  auto r = pair_markers(m);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].name, "decode step 0");
  EXPECT_EQ(r[0].start_ns, 100);
  EXPECT_EQ(r[0].end_ns, 900);
  EXPECT_EQ(r[0].domain, "looplab");
  EXPECT_EQ(r[0].thread_id, 8u);
  EXPECT_FALSE(r[0].instant);
  EXPECT_EQ(r[1].name, "embed");
  EXPECT_EQ(r[1].end_ns, 150);
  EXPECT_TRUE(r[2].instant);
  EXPECT_EQ(r[2].start_ns, 160);
  EXPECT_EQ(r[2].end_ns, 160);
}

namespace {

OpSpan span(std::int64_t step, std::uint32_t op_index, std::int64_t start, std::int64_t end) {
  OpSpan s;
  s.step = step;
  s.op_index = op_index;
  s.start_ns = start;
  s.end_ns = end;
  return s;
}

ApiActivity call(std::uint32_t corr, std::int64_t start) {
  ApiActivity a;
  a.correlation_id = corr;
  a.start_ns = start;
  a.end_ns = start + 5;
  return a;
}

}  // namespace

TEST(Attribution, LostAttributionsCountEveryWayAnOpLosesItsRecords) {
  // Step 0 ran ops 0, 1, 2 on the host at [100, 200], [300, 400], [500, 600]; CUPTI refused the
  // correlation push of op 1.
  Capture c;
  c.ops = {span(0, 0, 100, 200), span(0, 1, 300, 400), span(0, 2, 500, 600)};
  const std::vector<OpRef> failed_pushes = {{0, 1}};
  DeviceActivity& a = c.device;
  a.api_calls = {call(1, 110), call(2, 100), call(3, 320), call(4, 250),  call(5, 350),
                 call(6, 700), call(7, 600), call(8, 530), call(10, 200), call(11, 540)};
  a.correlations = {{kLooplabCorrelationKind, encode_external_id(0, 0), 1},
                    {kLooplabCorrelationKind, encode_external_id(0, 2), 7},
                    {kLooplabCorrelationKind, encode_external_id(5, 0), 8},  // step 5: not in this window
                    {kLooplabCorrelationKind, encode_external_id(0, 2), 11}};
  a.kernels = {
      kernel(1, 120, 130),  // op 0, attributed: fine
      kernel(2, 140, 150),  // launched at 100, op 0's first instant, no external record: lost
      kernel(3, 330, 340),  // under op 1's failed push: already counted by the push
      kernel(5, 360, 370),  // the same
      kernel(4, 260, 270),  // launched between ops (a copy between steps): not a loss
      kernel(6, 710, 720),  // launched after the last op (a graph replay, sampling): not a loss
      kernel(7, 610, 620),  // launched at 600, op 2's last instant, attributed: fine
      kernel(8, 540, 550),  // attributed to step 5 op 0, which never ran here: lost
      kernel(9, 560, 570),  // no API record at all: nothing to judge by, not counted
  };
  MemsetActivity set;
  set.correlation_id = 10;  // launched at 200, op 0's last instant, no external record: lost
  a.memsets.push_back(set);
  MemcpyActivity copy;
  copy.correlation_id = 11;  // op 2, attributed: fine
  a.memcpys.push_back(copy);

  attribute(a);
  // 1 failed push + kernel 2 + kernel 8 + memset 10 = 4
  EXPECT_EQ(count_lost_attributions(c, failed_pushes), 4);
  // Not told of the failed push, kernels 3 and 5 (launched inside op 1, no external record) are
  // each lost: kernels 2, 3, 5, 8 + memset 10 = 5
  EXPECT_EQ(count_lost_attributions(c), 5);
  // Nothing lost when every record under an op carries it and every op ran.
  Capture clean;
  clean.ops = {span(0, 0, 100, 200)};
  clean.device.api_calls = {call(1, 110), call(4, 250)};
  clean.device.correlations = {{kLooplabCorrelationKind, encode_external_id(0, 0), 1}};
  clean.device.kernels = {kernel(1, 120, 130), kernel(4, 260, 270)};
  attribute(clean.device);
  EXPECT_EQ(count_lost_attributions(clean), 0);
}

namespace {

KernelActivity graph_kernel(std::uint32_t corr, std::uint64_t node, std::int64_t start, std::int64_t end) {
  KernelActivity k = kernel(corr, start, end);
  k.graph_node_id = node;
  k.graph_id = 7;
  return k;
}

StepSpan step_span(std::int64_t step, std::int64_t start, std::int64_t end) {
  StepSpan s;
  s.step = step;
  s.start_ns = start;
  s.end_ns = end;
  return s;
}

}  // namespace

TEST(Attribution, GraphNodesMapToTheOpThatCapturedThem) {
  GraphNodeOps g;
  g.created(501, 0);
  g.created(502, 1);
  g.cloned(901, 501);  // instantiation: the executable graph's nodes are clones
  g.cloned(902, 502);
  g.cloned(950, 902);  // a clone of a clone still names the op
  g.cloned(904, 600);  // node 600 was not created under an op: its clone has none either
  EXPECT_EQ(g.op_of(501), 0u);
  EXPECT_EQ(g.op_of(901), 0u);
  EXPECT_EQ(g.op_of(902), 1u);
  EXPECT_EQ(g.op_of(950), 1u);
  EXPECT_FALSE(g.op_of(904));
  EXPECT_FALSE(g.op_of(600));
  EXPECT_EQ(g.size(), 5u);
}

// A decode step replayed from a CUDA graph: its kernels carry the graph launch's correlationId
// (pushed by no op) and the executable graph's node ids; they land on the op that created their
// node, in the step whose span holds the launch.
TEST(Attribution, GraphReplayKernelsLandOnTheirOpsAndSteps) {
  GraphNodeOps g;
  g.created(501, 0);
  g.created(502, 1);
  g.created(503, 1);  // op 1 launched two kernels
  for (std::uint64_t n : {501u, 502u, 503u, 600u}) g.cloned(n + 400, n);

  Capture c;
  c.steps = {step_span(0, 100, 1000), step_span(1, 1100, 2000)};
  // The host still walks the ops of a replayed step (the backend checks them), inside each step.
  c.ops = {span(0, 0, 200, 210), span(0, 1, 220, 230), span(1, 0, 1200, 1210), span(1, 1, 1220, 1230)};
  DeviceActivity& a = c.device;
  // Graph launches in end_step (inside the step span), one outside every step, and an eager
  // kernel under op 0 of step 0 with its own external correlation.
  a.api_calls = {call(50, 900), call(60, 1900), call(70, 2500), call(10, 205)};
  a.correlations = {{kLooplabCorrelationKind, encode_external_id(0, 0), 10}};
  a.kernels = {
      kernel(10, 240, 250),                // eager, op (0, 0)
      graph_kernel(50, 901, 910, 940),     // step 0 op 0
      graph_kernel(50, 902, 940, 960),     // step 0 op 1
      graph_kernel(50, 903, 960, 1000),    // step 0 op 1
      graph_kernel(60, 901, 1910, 1930),   // step 1 op 0
      graph_kernel(60, 1004, 1930, 1950),  // node cloned from 600, created outside any op: lost
      graph_kernel(70, 901, 2510, 2520),   // launched outside every step: lost
      graph_kernel(80, 902, 2600, 2610),   // no launch record: lost
  };

  const AttributionStats s = attribute(c, g);
  EXPECT_EQ(s.kernels, 8u);
  EXPECT_EQ(s.graph_kernels, 7u);
  EXPECT_EQ(s.graph_kernels_attributed, 4u);
  EXPECT_EQ(s.kernels_attributed, 5u);
  EXPECT_EQ(*a.kernels[0].op, (OpRef{0, 0}));
  EXPECT_EQ(*a.kernels[1].op, (OpRef{0, 0}));
  EXPECT_EQ(*a.kernels[2].op, (OpRef{0, 1}));
  EXPECT_EQ(*a.kernels[3].op, (OpRef{0, 1}));
  EXPECT_EQ(*a.kernels[4].op, (OpRef{1, 0}));
  EXPECT_FALSE(a.kernels[5].op);
  EXPECT_FALSE(a.kernels[6].op);
  EXPECT_FALSE(a.kernels[7].op);

  const std::vector<OpDeviceTime> t = device_time_per_op(c);
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].device_ns, 10 + 30);  // the eager kernel and the replayed one
  EXPECT_EQ(t[0].kernels, 2);
  EXPECT_EQ(t[1].device_ns, 20 + 40);
  EXPECT_EQ(t[1].kernels, 2);
  EXPECT_EQ(t[2].device_ns, 20);
  EXPECT_EQ(t[3].kernels, 0);
  EXPECT_EQ(count_lost_attributions(c), 3);

  // Without the node map (the graph captured before the tracer existed) every replayed kernel is
  // lost, and none is attributed.
  Capture blind = c;
  for (KernelActivity& k : blind.device.kernels) k.op.reset();
  const AttributionStats b = attribute(blind, GraphNodeOps{});
  EXPECT_EQ(b.graph_kernels_attributed, 0u);
  EXPECT_EQ(count_lost_attributions(blind), 7);
}
