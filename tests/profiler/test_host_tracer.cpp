// HostTracer and ObserverList driven the way a Session drives them, over a real step plan.
#include <gtest/gtest.h>

#include <chrono>

#include "profiler/host_tracer.hpp"
#include "profiler/make_tracer.hpp"
#include "profiler/observer_list.hpp"

using namespace looplab;
using namespace looplab::profiler;

namespace {

void spin_ns(std::int64_t ns) {
  auto end = std::chrono::steady_clock::now() + std::chrono::nanoseconds(ns);
  while (std::chrono::steady_clock::now() < end) {
  }
}

// Runs the plan's ops through the observer like Session::run_step; op `slow` spins 200 us.
void run(StepObserver& o, const StepPlan& p, std::int64_t step, std::size_t slow) {
  o.on_step_begin(p, step);
  for (std::size_t i = 0; i < p.ops.size(); ++i) {
    o.on_op_begin(p.ops[i], i);
    if (i == slow) spin_ns(200000);
    o.on_op_end(p.ops[i], i);
  }
  o.on_step_end(p, step);
}

ModelConfig tiny_plt() {
  ModelConfig c = load_model("tiny");
  c.variant = Variant::plt;
  c.loops = 2;
  return c;
}

}  // namespace

TEST(HostTracer, RecordsEveryStepAndOpInsideItsStep) {
  ModelConfig c = tiny_plt();
  StepPlan prefill = plan_step(c, {Phase::prefill, 2, 8});
  StepPlan decode = plan_step(c, {Phase::decode, 2, 9});
  HostTracer t;
  t.begin_window(2, prefill.ops.size() + decode.ops.size());
  run(t, prefill, 100, 3);
  run(t, decode, 101, 5);
  Capture cap = t.end_window();

  ASSERT_EQ(cap.steps.size(), 2u);
  EXPECT_EQ(cap.steps[0].step, 0);  // numbered within the window, not by the session's counter
  EXPECT_EQ(cap.steps[0].phase, Phase::prefill);
  EXPECT_EQ(cap.steps[0].batch, 2);
  EXPECT_EQ(cap.steps[0].context_len, 8);
  EXPECT_EQ(cap.steps[1].step, 1);
  EXPECT_EQ(cap.steps[1].phase, Phase::decode);
  EXPECT_EQ(cap.steps[1].context_len, 9);
  ASSERT_EQ(cap.ops.size(), prefill.ops.size() + decode.ops.size());
  for (std::size_t i = 0; i < cap.ops.size(); ++i) {
    const OpSpan& s = cap.ops[i];
    bool first = i < prefill.ops.size();
    const StepPlan& p = first ? prefill : decode;
    std::size_t idx = first ? i : i - prefill.ops.size();
    EXPECT_EQ(s.step, first ? 0 : 1);
    EXPECT_EQ(s.op_index, idx);
    EXPECT_EQ(s.op, p.ops[idx]);
    const StepSpan& st = cap.steps[static_cast<std::size_t>(s.step)];
    EXPECT_LE(st.start_ns, s.start_ns);
    EXPECT_LE(s.start_ns, s.end_ns);
    EXPECT_LE(s.end_ns, st.end_ns);
    if (i > 0 && cap.ops[i - 1].step == s.step) {
      EXPECT_LE(cap.ops[i - 1].end_ns, s.start_ns);
    }
  }
  EXPECT_GE(cap.ops[3].end_ns - cap.ops[3].start_ns, 200000);
  EXPECT_GE(cap.ops[prefill.ops.size() + 5].end_ns - cap.ops[prefill.ops.size() + 5].start_ns, 200000);
  EXPECT_EQ(cap.dropped_records, 0);
  EXPECT_TRUE(cap.device.kernels.empty());

  // A new window starts empty.
  t.begin_window(1, decode.ops.size());
  run(t, decode, 102, 0);
  Capture again = t.end_window();
  EXPECT_EQ(again.steps.size(), 1u);
  EXPECT_EQ(again.steps[0].step, 0);
  EXPECT_EQ(again.ops.size(), decode.ops.size());
}

TEST(ObserverList, BeginsInOrderEndsInReverse) {
  struct Log : StepObserver {
    std::vector<std::string>* out;
    std::string tag;
    void on_op_begin(const OpDesc&, std::size_t) override { out->push_back(tag + "+"); }
    void on_op_end(const OpDesc&, std::size_t) override { out->push_back(tag + "-"); }
  };
  std::vector<std::string> log;
  Log a, b;
  a.out = b.out = &log;
  a.tag = "a";
  b.tag = "b";
  ObserverList l;
  l.add(&a);
  l.add(nullptr);
  l.add(&b);
  OpDesc op;
  l.on_op_begin(op, 0);
  l.on_op_end(op, 0);
  EXPECT_EQ(log, (std::vector<std::string>{"a+", "b+", "b-", "a-"}));
}

// The CPU backend always gets the host tracer; asking for CUDA's tracer on a machine or build
// without CUPTI gives the host tracer and one warning, never an exception.
TEST(MakeTracer, FallsBackToHostTiming) {
  TracerChoice cpu = make_tracer("cpu");
  ASSERT_TRUE(cpu.tracer);
  EXPECT_EQ(cpu.tracer->kind(), TracerKind::host);
  EXPECT_TRUE(cpu.warning.empty());
  TracerChoice cuda = make_tracer("cuda");
  ASSERT_TRUE(cuda.tracer);
  if (cuda.tracer->kind() == TracerKind::host) {
    EXPECT_FALSE(cuda.warning.empty());
    EXPECT_NE(cuda.warning.find("host"), std::string::npos) << cuda.warning;
  }
  // Whatever it is, it records host spans.
  StepPlan p = plan_step(tiny_plt(), {Phase::decode, 1, 4});
  cuda.tracer->begin_window(1, p.ops.size());
  run(*cuda.tracer, p, 0, 0);
  Capture c = cuda.tracer->end_window();
  EXPECT_EQ(c.ops.size(), p.ops.size());
}

// Steps outside a window (warm-up passes) are not recorded: a warm-up of any length keeps the
// tracer's memory flat, and the next window holds only its own steps.
TEST(HostTracer, RecordsNothingOutsideAWindow) {
  ModelConfig c = tiny_plt();
  StepPlan decode = plan_step(c, {Phase::decode, 2, 9});
  HostTracer t;
  for (int i = 0; i < 1000; ++i) run(t, decode, i, decode.ops.size());  // before any window
  EXPECT_EQ(t.next_step(), 0);
  t.begin_window(1, decode.ops.size());
  run(t, decode, 1000, decode.ops.size());
  Capture cap = t.end_window();
  EXPECT_EQ(cap.steps.size(), 1u);
  EXPECT_EQ(cap.ops.size(), decode.ops.size());
  for (int i = 0; i < 1000; ++i) run(t, decode, i, decode.ops.size());  // after the window
  EXPECT_EQ(t.next_step(), 0);
  EXPECT_TRUE(t.end_window().steps.empty());
}
