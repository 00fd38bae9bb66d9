// NVTX ranges. NvtxTracer's nesting (step > loop > layer > op, balanced, op ranges named after
// the plan op: layer3.loop2.attn_global) is checked through a recording sink; what reaches NVTX
// itself through a static NVTX injection (nvtx_injection.cpp) when NVTX's header exists: the
// same ranges in the "looplab" domain when NVTX is compiled in, no NVTX call when compiled out.
#include <gtest/gtest.h>

#include <cstdlib>

#include "profiler/nvtx.hpp"
#if LOOPLAB_TEST_NVTX_INJECTION
#include "nvtx_injection.hpp"
#endif

using namespace looplab;
using namespace looplab::profiler;

namespace {

struct Recorder : RangeSink {
  std::vector<std::string> events;  // "+name" or "-"
  std::vector<std::string> stack;
  std::size_t max_depth = 0;
  bool popped_empty = false;
  void push(const std::string& n) override {
    events.push_back("+" + n);
    stack.push_back(n);
    max_depth = std::max(max_depth, stack.size());
  }
  void pop() override {
    events.push_back("-");
    if (stack.empty())
      popped_empty = true;
    else
      stack.pop_back();
  }
};

std::vector<std::string> drive(NvtxTracer& t, Recorder& r, const StepPlan& p, std::int64_t step) {
  std::vector<std::string> op_parents;  // the range stack under each op range, joined
  t.on_step_begin(p, step);
  for (std::size_t i = 0; i < p.ops.size(); ++i) {
    t.on_op_begin(p.ops[i], i);
    EXPECT_EQ(r.stack.back(), op_name(p.ops[i]));
    std::string path;
    for (std::size_t d = 0; d + 1 < r.stack.size(); ++d) path += r.stack[d] + "/";
    op_parents.push_back(path);
    t.on_op_end(p.ops[i], i);
  }
  t.on_step_end(p, step);
  return op_parents;
}

ModelConfig tiny(Variant v, std::int64_t loops) {
  ModelConfig c = load_model("tiny");
  c.variant = v;
  c.loops = loops;
  return c;
}

}  // namespace

TEST(NvtxTracer, LoopedDecodeNestsStepLoopLayerOp) {
  StepPlan p = plan_step(tiny(Variant::looped, 2), {Phase::decode, 1, 5});
  Recorder r;
  NvtxTracer t(r);
  auto parents = drive(t, r, p, 7);
  EXPECT_FALSE(r.popped_empty);
  EXPECT_TRUE(r.stack.empty());
  EXPECT_EQ(r.max_depth, 4u);
  EXPECT_EQ(r.events.front(), "+decode step 7");
  for (std::size_t i = 0; i < p.ops.size(); ++i) {
    const OpDesc& op = p.ops[i];
    std::string want = "decode step 7/";
    if (op.layer >= 0) want += "loop" + std::to_string(op.pass + 1) + "/layer" + std::to_string(op.layer) + "/";
    EXPECT_EQ(parents[i], want) << op_name(op);
  }
}

TEST(NvtxTracer, CrossLoopDecodeHasOneLoopsRangeAndReusesNames) {
  StepPlan p = plan_step(tiny(Variant::plt, 2), {Phase::decode, 2, 6});
  Recorder r;
  NvtxTracer t(r);
  auto first = drive(t, r, p, 0);
  for (std::size_t i = 0; i < p.ops.size(); ++i)
    if (p.ops[i].layer >= 0) {
      EXPECT_EQ(first[i].substr(0, 28), "decode step 0/loops1-2/layer") << i;
    }
  StepPlan next = plan_step(tiny(Variant::plt, 2), {Phase::decode, 2, 7});  // cached names, new context
  auto second = drive(t, r, next, 1);
  EXPECT_TRUE(r.stack.empty());
  EXPECT_EQ(second.size(), first.size());
  std::size_t pushes = 0, pops = 0;
  for (const auto& e : r.events) (e == "-" ? pops : pushes)++;
  EXPECT_EQ(pushes, pops);
}

TEST(NvtxRange, PushesForItsScopeAndPopsAtTheEnd) {
  Recorder r;
  {
    NvtxRange outer("outer", r);
    EXPECT_EQ(r.events, (std::vector<std::string>{"+outer"}));
    {
      NvtxRange inner("inner", r);
      EXPECT_EQ(r.events, (std::vector<std::string>{"+outer", "+inner"}));
    }
    EXPECT_EQ(r.events, (std::vector<std::string>{"+outer", "+inner", "-"}));
  }
  EXPECT_EQ(r.events, (std::vector<std::string>{"+outer", "+inner", "-", "-"}));
  EXPECT_FALSE(r.popped_empty);
}

TEST(Nvtx, CompiledInExactlyWhenTheBuildSaysSo) {
  // CMake's verdict (LOOPLAB_ENABLE_NVTX and the header found), not the library's own claim.
  EXPECT_EQ(nvtx_compiled_in(), LOOPLAB_TEST_NVTX_EXPECTED != 0);
}

#if LOOPLAB_TEST_NVTX_INJECTION

namespace {

// NVTX initializes at this process's first NVTX call (nvtx_sink() creates the domain) and loads a
// tool named by NVTX_INJECTION64_PATH (Nsight Systems, CUPTI) instead of ours, if one was set
// by then (CuptiTracer::create sets it).
bool another_tool_injected() {
  (void)nvtx_sink();
  return nvtx_compiled_in() && !test::nvtx_injection_initialized() && std::getenv("NVTX_INJECTION64_PATH");
}

}  // namespace

TEST(NvtxSink, ScopedRangeReachesTheLooplabDomainOrNothing) {
  if (another_tool_injected()) GTEST_SKIP() << "NVTX loaded the tool of NVTX_INJECTION64_PATH, not ours";
  test::clear_nvtx_injected_events();
  {
    NvtxRange range("looplab test range");
    if (nvtx_compiled_in()) {
      EXPECT_EQ(test::nvtx_injected_events(), (std::vector<std::string>{"+looplab:looplab test range"}));
    }
  }
  if (nvtx_compiled_in()) {
    EXPECT_TRUE(test::nvtx_injection_initialized());
    EXPECT_EQ(test::nvtx_injected_events(), (std::vector<std::string>{"+looplab:looplab test range", "-looplab"}));
    { NvtxRange again("again"); }
    // One domain for the whole process, not one per range.
    EXPECT_EQ(test::nvtx_injected_domains(), (std::vector<std::string>{"looplab"}));
  } else {
    // Compiled out, the documented no-op: NVTX is never even initialized.
    EXPECT_FALSE(test::nvtx_injection_initialized());
    EXPECT_TRUE(test::nvtx_injected_events().empty());
    EXPECT_TRUE(test::nvtx_injected_domains().empty());
  }
}

TEST(NvtxSink, TracerSendsNvtxTheRangesTheRecorderSees) {
  if (another_tool_injected()) GTEST_SKIP() << "NVTX loaded the tool of NVTX_INJECTION64_PATH, not ours";
  const StepPlan p = plan_step(tiny(Variant::looped, 2), {Phase::decode, 1, 5});
  Recorder r;
  NvtxTracer recorded(r);
  drive(recorded, r, p, 3);
  std::vector<std::string> want;  // the recorder's events as NVTX calls in the looplab domain
  if (nvtx_compiled_in())
    for (const std::string& e : r.events) want.push_back(e == "-" ? "-looplab" : "+looplab:" + e.substr(1));
  // tiny looped L=2 decode: 1 step + 2 loop + 2*2 layer ranges + one per op, each pushed and popped
  ASSERT_EQ(r.events.size(), 2 * (1 + 2 + 4 + p.ops.size()));

  test::clear_nvtx_injected_events();
  NvtxTracer to_nvtx;  // the default sink: NVTX itself
  to_nvtx.on_step_begin(p, 3);
  for (std::size_t i = 0; i < p.ops.size(); ++i) {
    to_nvtx.on_op_begin(p.ops[i], i);
    to_nvtx.on_op_end(p.ops[i], i);
  }
  to_nvtx.on_step_end(p, 3);
  EXPECT_EQ(test::nvtx_injected_events(), want);
}

#endif  // LOOPLAB_TEST_NVTX_INJECTION
