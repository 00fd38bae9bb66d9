// Session: KV bytes allocated equal the formula to the byte, bad configs and bad inputs are
// rejected with the field named, the observer sees every op of every step in plan order.
#include <gtest/gtest.h>

#include "engine/core/error.hpp"
#include "engine/core/kv.hpp"
#include "engine/core/observer.hpp"
#include "engine/core/plan.hpp"
#include "engine/cpu/cpu_backend.hpp"
#include "engine/runtime/backend_factory.hpp"
#include "engine/runtime/generate.hpp"
#include "engine/runtime/session.hpp"
#include "tests/engine/helpers.hpp"

using namespace looplab;
using namespace looplab::test;

TEST(Session, KvBytesAllocatedEqualFormulaOverAGrid) {
  int checked = 0;
  for (Variant v : kAllVariants)
    for (std::int64_t L : {1, 2, 3, 4})
      for (std::int64_t w : {1, 4, 64})
        for (std::int64_t n : {1, 5, 64})
          for (std::int64_t b : {1, 3}) {
            ModelConfig c = tiny(v, L);
            c.window = w;
            const Weights weights = random_weights(c, 1);
            CpuBackend backend;
            Session s(c, weights, backend, {b, n, 1});
            ASSERT_EQ(s.kv_bytes_allocated(), kv_bytes_formula(c, b, n, 4))
                << to_string(v) << " L=" << L << " w=" << w << " n=" << n << " b=" << b;
            ++checked;
          }
  EXPECT_EQ(checked, 5 * 4 * 3 * 3 * 2);
}

TEST(Session, KvBytesHandExample) {
  // tiny plt L=3 w=4, batch 2, n=10: unit = 2*2 layers*2 kv heads*16 dims*4 bytes = 512 bytes;
  // tokens n + (L-1)*min(n,w) = 10 + 2*4 = 18; 512 * 18 * 2 sequences = 18432 bytes.
  ModelConfig c = tiny(Variant::plt, 3);
  CpuBackend backend;
  Session s(c, random_weights(c, 1), backend, {2, 10, 4});
  EXPECT_EQ(s.kv_bytes_allocated(), 18432);
}

TEST(Session, BadConfigsAndInputsNameTheField) {
  const ModelConfig c = tiny(Variant::plt, 2);
  const Weights w = random_weights(c, 1);
  CpuBackend backend;
  ModelConfig bad = c;
  bad.kv_heads = 3;
  EXPECT_EQ(field_of([&] { Session(bad, w, backend, {1, 8, 0}); }), "kv_heads");
  bad = c;
  bad.loops = 0;
  EXPECT_EQ(field_of([&] { Session(bad, w, backend, {1, 8, 0}); }), "loops");
  bad = c;
  bad.window = 0;
  EXPECT_EQ(field_of([&] { Session(bad, w, backend, {1, 8, 0}); }), "window");
  EXPECT_EQ(field_of([&] { Session(c, w, backend, {0, 8, 0}); }), "batch");
  EXPECT_EQ(field_of([&] { Session(c, w, backend, {1, 0, 0}); }), "max_context");
  EXPECT_EQ(field_of([&] { Session(c, w, backend, {1, 8, 9}); }), "max_prompt");
  // Weights of another shape.
  bad = c;
  bad.ffn = 96;
  EXPECT_EQ(field_of([&] { Session(bad, w, backend, {1, 8, 0}); }), "model.layers.0.mlp.gate_proj.weight");

  Session s(c, w, backend, {2, 8, 4});
  EXPECT_EQ(field_of([&] { s.decode(std::vector<std::int32_t>{1, 2}); }), "decode");        // before prefill
  EXPECT_EQ(field_of([&] { s.prefill(std::vector<std::int32_t>{1, 2, 3}); }), "prompts");   // 3 ids, batch 2
  EXPECT_EQ(field_of([&] { s.prefill(std::vector<std::int32_t>(10, 1)); }), "prompt_len");  // 5 > max_prompt
  EXPECT_EQ(field_of([&] { s.prefill(std::vector<std::int32_t>{1, 97}); }), "prompts");     // vocab is 97
  EXPECT_EQ(field_of([&] { s.prefill(std::vector<std::int32_t>{1, -1}); }), "prompts");
  ASSERT_EQ(field_of([&] { s.prefill(std::vector<std::int32_t>{1, 2, 3, 4, 5, 6, 7, 8}); }), "<no error>");
  EXPECT_EQ(field_of([&] { s.prefill(std::vector<std::int32_t>{1, 2}); }), "prefill");  // already started
  EXPECT_EQ(field_of([&] { s.decode(std::vector<std::int32_t>{1}); }), "tokens");
  EXPECT_EQ(field_of([&] { s.decode(std::vector<std::int32_t>{1, 500}); }), "tokens");
  for (int i = 0; i < 4; ++i) ASSERT_EQ(field_of([&] { s.decode(std::vector<std::int32_t>{1, 2}); }), "<no error>");
  EXPECT_EQ(s.length(), 8);
  EXPECT_EQ(field_of([&] { s.decode(std::vector<std::int32_t>{1, 2}); }), "max_context");  // full
  s.reset();
  EXPECT_EQ(field_of([&] { s.prefill(std::vector<std::int32_t>{1, 2}); }), "<no error>");
  EXPECT_EQ(field_of([&] { generate(s, std::vector<std::int32_t>{1, 2}, 3); }), "prefill");  // not fresh
}

TEST(Session, ResetStartsOverExactly) {
  const ModelConfig c = tiny(Variant::plt, 3);
  CpuBackend backend;
  Session s(c, random_weights(c, 2), backend, {2, 20, 6});
  const auto prompts = random_prompts(4, 2, 6, c.vocab);
  const Generation a = generate(s, prompts, 10, Record::hidden_states);
  s.reset();
  const Generation b = generate(s, prompts, 10, Record::hidden_states);
  EXPECT_EQ(a.generated, b.generated);
  EXPECT_EQ(a.hidden, b.hidden);  // the saved states s(l) were cleared
  EXPECT_EQ(a.decode_time_s.size(), 9u);
}

namespace {
struct Recorder : StepObserver {
  std::vector<std::string> events;
  std::vector<std::size_t> op_count;
  void on_step_begin(const StepPlan& p, std::int64_t i) override {
    events.push_back("step" + std::to_string(i));
    op_count.push_back(p.ops.size());
  }
  void on_op_begin(const OpDesc& op, std::size_t i) override {
    events.push_back(std::to_string(i) + ":" + op_name(op));
  }
  void on_op_end(const OpDesc&, std::size_t) override { events.push_back("end"); }
  void on_step_end(const StepPlan&, std::int64_t) override { events.push_back("done"); }
};
}  // namespace

TEST(Session, ObserverSeesEveryOpInPlanOrder) {
  const ModelConfig c = tiny(Variant::clp_share, 2);
  CpuBackend backend;
  Session s(c, random_weights(c, 2), backend, {1, 8, 3});
  Recorder rec;
  s.set_observer(&rec);
  generate(s, std::vector<std::int32_t>{5, 6, 7}, 2);
  const StepPlan prefill = plan_step(c, {Phase::prefill, 1, 3});
  const StepPlan decode = plan_step(c, {Phase::decode, 1, 4});
  ASSERT_EQ(rec.op_count, (std::vector<std::size_t>{prefill.ops.size(), decode.ops.size()}));
  ASSERT_EQ(rec.events.size(), 2 + 2 * (prefill.ops.size() + decode.ops.size()) + 2);
  EXPECT_EQ(rec.events[0], "step0");
  EXPECT_EQ(rec.events[1], "0:" + op_name(prefill.ops[0]));
  const std::size_t second = 2 + 2 * prefill.ops.size();
  EXPECT_EQ(rec.events[second - 1], "done");
  EXPECT_EQ(rec.events[second], "step1");
  EXPECT_EQ(rec.events[second + 11], "5:" + op_name(decode.ops[5]));  // step marker + 5 ops x (begin, end)
}

// Kernel sets by name: the CPU backend has one, so asking it for the fused path is an input
// error naming the field, and so is a name that is neither.
TEST(BackendFactory, KernelSetsByName) {
  EXPECT_EQ(parse_kernels("reference"), Kernels::reference);
  EXPECT_EQ(parse_kernels("fused"), Kernels::fused);
  EXPECT_EQ(to_string(parse_kernels("fused")), "fused");
  EXPECT_EQ(to_string(Kernels::reference), "reference");
  try {
    (void)parse_kernels("turbo");
    ADD_FAILURE() << "an unknown kernel set was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "kernels");
  }
  BackendOptions fused;
  fused.kernels = Kernels::fused;
  try {
    (void)make_backend("cpu", fused);
    ADD_FAILURE() << "the CPU backend accepted the fused kernel set";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "kernels");
    EXPECT_NE(std::string(e.what()).find("CUDA"), std::string::npos) << e.what();
  }
  EXPECT_EQ(std::string(make_backend("cpu", {})->name()), "cpu");
}
