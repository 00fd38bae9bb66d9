// The CUPTI tracer on a real device (label gpu; skipped, exit 77, without one): kernels are
// attributed to the plan ops that launched them, on the tracer's clock, with no record dropped.
#include <gtest/gtest.h>

#include <set>

#include "engine/core/weights.hpp"
#include "engine/cuda/cuda_backend.hpp"
#include "engine/runtime/generate.hpp"
#include "engine/runtime/session.hpp"
#include "profiler/attribution.hpp"
#include "profiler/cupti/cupti_tracer.hpp"

using namespace looplab;

namespace {

// The tiny preset on the CUDA backend, batch 2, room for 16 tokens, 8-token prompts.
struct TinySession {
  explicit TinySession(gpu::GraphMode graphs)
      : c(load_model("tiny")), backend({0, graphs}), session(c, random_weights(c, 1), backend, {2, 16, 8}) {}
  ModelConfig c;
  gpu::CudaBackend backend;
  Session session;
};

}  // namespace

TEST(CuptiGpu, KernelsLandUnderTheirOps) {
  std::string why;
  auto tracer = profiler::CuptiTracer::create(why);
  ASSERT_TRUE(tracer) << why;
  TinySession tiny(gpu::GraphMode::off);
  const ModelConfig& c = tiny.c;
  Session& session = tiny.session;
  session.set_observer(tracer.get());
  tracer->begin_window(8, 4096);
  auto tokens = session.prefill(random_prompts(1, 2, 8, c.vocab));
  for (int i = 0; i < 3; ++i) tokens = session.decode(tokens);
  profiler::Capture cap = tracer->end_window();

  EXPECT_EQ(cap.dropped_records, 0);
  EXPECT_EQ(cap.buffers_allocated_in_window, 0);
  EXPECT_EQ(cap.lost_attributions, 0);  // eager launches: every kernel under an op carries it
  ASSERT_EQ(cap.steps.size(), 4u);
  ASSERT_FALSE(cap.device.kernels.empty());
  std::size_t attributed = 0;
  for (const auto& k : cap.device.kernels) {
    if (!k.op) continue;
    ++attributed;
    ASSERT_LT(k.op->step, 4);
    const profiler::StepSpan& st = cap.steps[static_cast<std::size_t>(k.op->step)];
    // Same clock: a kernel runs after its op began on the host and before its step ended.
    const profiler::OpSpan* op = nullptr;
    for (const auto& o : cap.ops)
      if (o.step == k.op->step && o.op_index == k.op->op_index) op = &o;
    ASSERT_NE(op, nullptr) << "kernel attributed to an op that did not run";
    EXPECT_GE(k.start_ns, op->start_ns) << k.name;
    EXPECT_LE(k.end_ns, st.end_ns) << k.name;
  }
  EXPECT_GT(attributed, cap.device.kernels.size() / 2);
  auto dev = profiler::device_time_per_op(cap);
  std::size_t with_kernels = 0;
  for (const auto& d : dev) with_kernels += d.kernels > 0;
  EXPECT_GE(with_kernels * 2, cap.ops.size()) << "fewer than half of the ops have a kernel";
  std::set<std::string> api;
  for (const auto& a : cap.device.api_calls) api.insert(a.name);
  EXPECT_TRUE(api.count("cudaLaunchKernel") || api.count("cuLaunchKernel") || api.count("cudaLaunchKernelExC_v11060") ||
              api.count("cuLaunchKernelEx"))
      << "no launch API call was recorded";
}

// Decode steps replayed from a CUDA graph: their kernels carry the graph launch's correlation,
// not an op's, and reach their ops through the graph nodes recorded while the first decode step
// was captured, so every decode op has device time and nothing is lost.
TEST(CuptiGpu, GraphReplayedDecodeOpsHaveDeviceTime) {
  std::string why;
  auto tracer = profiler::CuptiTracer::create(why);
  ASSERT_TRUE(tracer) << why;
  TinySession tiny(gpu::GraphMode::decode);
  tiny.session.set_observer(tracer.get());
  auto tokens = tiny.session.prefill(random_prompts(1, 2, 8, tiny.c.vocab));
  // The first decode step runs eagerly, the second is captured: both outside the window, as in a
  // warm-up, so the window's three steps are all replays of a graph captured before it.
  for (int i = 0; i < 2; ++i) tokens = tiny.session.decode(tokens);
  tracer->begin_window(8, 4096);
  for (int i = 0; i < 3; ++i) tokens = tiny.session.decode(tokens);
  profiler::Capture cap = tracer->end_window();
  ASSERT_EQ(tiny.backend.graph_replays(), 3);

  EXPECT_EQ(cap.lost_attributions, 0);
  std::size_t graph_kernels = 0;
  for (const auto& k : cap.device.kernels)
    if (k.graph_node_id != 0) {
      ++graph_kernels;
      EXPECT_TRUE(k.op) << k.name << " replayed from the graph but not attributed";
    }
  EXPECT_GT(graph_kernels, 0u);
  const auto dev = profiler::device_time_per_op(cap);
  ASSERT_EQ(dev.size(), cap.ops.size());
  std::size_t with_time = 0;
  for (const auto& d : dev) with_time += d.device_ns > 0;
  EXPECT_GE(with_time * 2, cap.ops.size()) << "fewer than half of the replayed ops have device time";
}

TEST(CuptiGpu, OnlyOneTracerAtATime) {
  std::string why;
  auto first = profiler::CuptiTracer::create(why);
  ASSERT_TRUE(first) << why;
  std::string second_why;
  EXPECT_FALSE(profiler::CuptiTracer::create(second_why));
  EXPECT_NE(second_why.find("another"), std::string::npos) << second_why;
  first.reset();
  EXPECT_TRUE(profiler::CuptiTracer::create(why)) << why;
}
