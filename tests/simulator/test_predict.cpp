// Step and generation prediction: the paper's ladder in pattern on the H200 spec, KV bytes from
// the engine's formula, the fast coster against the full plan, determinism, memory verdicts.
#include <gtest/gtest.h>

#include <cstring>

#include "engine/core/error.hpp"
#include "engine/core/kv.hpp"
#include "simulator/predict.hpp"
#include "simulator/prediction_json.hpp"
#include "simulator/step_coster.hpp"
#include "test_support.hpp"

using namespace looplab;
using namespace looplab::test;

namespace {

ModelConfig paper(Variant v, std::int64_t L = 2, std::int64_t w = 64) {
  ModelConfig c = load_model("plt-paper-dense-1.2b");
  c.variant = v;
  c.loops = L;
  c.window = w;
  return c;
}

Prediction ladder_point(Variant v, std::int64_t batch, CostOptions opt = {}) {
  PredictRequest r;
  r.batch = batch;
  r.context = 4096;
  r.generate = 0;  // KV capacity = the context
  r.cost = opt;
  r.detail = OpDetail::totals_only;
  return predict(paper(v), load_hardware("h200"), r);
}

const CostOptions kAllOptions[] = {{LaunchMode::graph, Ceiling::measured},
                                   {LaunchMode::graph, Ceiling::datasheet},
                                   {LaunchMode::stream, Ceiling::measured},
                                   {LaunchMode::stream, Ceiling::datasheet}};

}  // namespace

TEST(Ladder, Batch4PatternOnH200) {
  for (const CostOptions& opt : kAllOptions) {
    SCOPED_TRACE(std::string(to_string(opt.launch)) + " launch, " + std::string(to_string(opt.ceiling)) + " ceiling");
    const double van = ladder_point(Variant::vanilla, 4, opt).decode.total.time_s;
    const double loo = ladder_point(Variant::looped, 4, opt).decode.total.time_s;
    const double clp = ladder_point(Variant::clp, 4, opt).decode.total.time_s;
    const double shr = ladder_point(Variant::clp_share, 4, opt).decode.total.time_s;
    const double plt = ladder_point(Variant::plt, 4, opt).decode.total.time_s;
    EXPECT_GE(loo / van, 1.8);
    EXPECT_LE(loo / van, 2.1);
    EXPECT_GT(clp, van);
    EXPECT_LT(clp, loo);
    EXPECT_LE(std::abs(shr / van - 1), 0.05);
    EXPECT_LE(std::abs(plt / van - 1), 0.05);
  }
}

TEST(Ladder, Batch32PltAtLeast40PercentBelowLooped) {
  for (const CostOptions& opt : kAllOptions) {
    SCOPED_TRACE(std::string(to_string(opt.launch)) + " launch, " + std::string(to_string(opt.ceiling)) + " ceiling");
    const double loo = ladder_point(Variant::looped, 32, opt).decode.total.time_s;
    const double plt = ladder_point(Variant::plt, 32, opt).decode.total.time_s;
    EXPECT_LE(plt, 0.6 * loo);
  }
}

TEST(Ladder, KvBytesRatiosAreExact) {
  const std::int64_t van = ladder_point(Variant::vanilla, 4).memory.kv_bytes;
  EXPECT_EQ(van, 536870912);  // 32768 bytes/token * 4096 tokens * 4 sequences
  EXPECT_EQ(ladder_point(Variant::looped, 4).memory.kv_bytes, 2 * van);
  EXPECT_EQ(ladder_point(Variant::clp, 4).memory.kv_bytes, 2 * van);
  EXPECT_EQ(ladder_point(Variant::clp_share, 4).memory.kv_bytes, van);
  // 1 + (L-1) * w / n = 1 + 64/4096
  EXPECT_EQ(ladder_point(Variant::plt, 4).memory.kv_bytes * 4096, van * (4096 + 64));
}

TEST(Ladder, KvBytesAreTheEnginesFormula) {
  for (Variant v : kAllVariants) {
    const ModelConfig c = paper(v, 3, 128);
    PredictRequest r;
    r.batch = 5;
    r.context = 1000;
    r.generate = 50;  // capacity 1000 + 49
    const Prediction p = predict(c, load_hardware("h100-sxm"), r);
    EXPECT_EQ(p.memory.kv_capacity_tokens, 1049);
    EXPECT_EQ(p.memory.kv_bytes, kv_bytes_formula(c, 5, 1049, 2)) << to_string(v);
    EXPECT_EQ(p.memory.kv_bytes, kv_layout(c, 5, 1049, 2).total_bytes()) << to_string(v);
  }
}

TEST(Ladder, DecodeKvReadFollowsTheCostTable) {
  // plt-model.md section 3: KV read per sequence n, L*n, L*n, n, n + (L-1)*min(n, w) tokens
  const double unit = 32768;  // bytes per token over all layers
  const double B = 4, n = 4096;
  EXPECT_EQ(ladder_point(Variant::vanilla, 4).decode.total.kv_read_bytes, unit * B * n);
  EXPECT_EQ(ladder_point(Variant::looped, 4).decode.total.kv_read_bytes, unit * B * 2 * n);
  EXPECT_EQ(ladder_point(Variant::clp, 4).decode.total.kv_read_bytes, unit * B * 2 * n);
  EXPECT_EQ(ladder_point(Variant::clp_share, 4).decode.total.kv_read_bytes, unit * B * n);
  EXPECT_EQ(ladder_point(Variant::plt, 4).decode.total.kv_read_bytes, unit * B * (n + 64));
  // weights: looped reads the 16-layer stack twice (1.95 GB >> 60 MiB L2), the others once
  // per layer: q 2048*2048 + k,v 2*2048*512 + o 2048*2048 + gate,up,down 3*2048*8192 + norms 2*2048
  const double stack = 16.0 * 60821504 * 2;  // = 60821504 weights per layer, bf16
  const double van_w = ladder_point(Variant::vanilla, 4).decode.total.weight_bytes;
  EXPECT_EQ(ladder_point(Variant::looped, 4).decode.total.weight_bytes - van_w, stack);
}

TEST(Predict, OneLoopMakesEveryVariantVanilla) {
  const double van = ladder_point(Variant::vanilla, 4).decode.total.time_s;
  for (Variant v : kAllVariants) {
    PredictRequest r;
    r.batch = 4;
    r.context = 4096;
    r.generate = 0;
    const Prediction p = predict(paper(v, 1), load_hardware("h200"), r);
    EXPECT_EQ(p.decode.total.time_s, van) << to_string(v);
    EXPECT_EQ(p.memory.kv_bytes, ladder_point(Variant::vanilla, 4).memory.kv_bytes) << to_string(v);
  }
}

TEST(Predict, FastCosterMatchesTheFullPlan) {
  const HardwareSpec hw = load_hardware("h200");
  for (Variant v : kAllVariants)
    for (std::int64_t L : {1, 2, 3})
      for (std::int64_t w : {1, 64}) {
        const ModelConfig c = paper(v, L, w);
        const CostParams params = make_cost_params(c, hw, {});
        DecodeStepCoster fast(c, params);
        for (std::int64_t B : {1, 4, 32})
          for (std::int64_t ctx : {1, 63, 64, 65, 4096}) {
            const StepPrediction full = predict_step(c, {Phase::decode, B, ctx}, params, OpDetail::totals_only);
            const CostTotals& f = fast.cost(B, ctx);
            const auto near = [](double a, double b) { return std::abs(a - b) <= 1e-12 * std::abs(b); };
            EXPECT_TRUE(near(f.time_s, full.total.time_s)) << to_string(v) << " L" << L << " B" << B << " n" << ctx;
            EXPECT_TRUE(near(f.flops, full.total.flops));
            EXPECT_TRUE(near(f.bytes(), full.total.bytes()));
            EXPECT_EQ(f.ops, full.total.ops);
            EXPECT_EQ(fast.activation_peak_bytes(), full.activation_peak_bytes);
          }
      }
}

TEST(Predict, GenerationSumsTheGrowingContext) {
  const ModelConfig c = paper(Variant::plt);
  const HardwareSpec hw = load_hardware("h200");
  PredictRequest r;
  r.batch = 2;
  r.context = 100;
  r.prompt = 60;
  r.generate = 5;  // prefill of 60 makes token 1; decode steps at contexts 61..64 make tokens 2..5
  const Prediction p = predict(c, hw, r);
  const CostParams params = make_cost_params(c, hw, r.cost);
  double expect = 0;
  for (std::int64_t ctx = 61; ctx <= 64; ++ctx)
    expect += predict_step(c, {Phase::decode, 2, ctx}, params, OpDetail::totals_only).total.time_s;
  EXPECT_NEAR(p.generation.decode_s, expect, 1e-12 * expect);
  EXPECT_EQ(p.generation.prefill_s, p.prefill.total.time_s);
  EXPECT_EQ(p.prefill.shape.context_len, 60);
  EXPECT_DOUBLE_EQ(p.generation.tokens_per_s, 2 * 5 / (p.generation.prefill_s + expect));
  EXPECT_EQ(p.memory.kv_capacity_tokens, 100);  // the decode step's context is the longest
}

TEST(Predict, SumsPerKindAndPerLoopAddUpToTheStep) {
  PredictRequest r;
  r.batch = 4;
  r.context = 512;
  const Prediction p = predict(paper(Variant::looped), load_hardware("h200"), r);
  double kinds = 0, loops = 0, ops = 0;
  for (const CostTotals& t : p.decode.by_kind) kinds += t.time_s;
  for (const LoopTotals& l : p.decode.by_loop) loops += l.totals.time_s;
  for (const OpPrediction& o : p.decode.ops) ops += o.cost.time_s;
  EXPECT_NEAR(kinds, p.decode.total.time_s, 1e-15);
  EXPECT_NEAR(loops, p.decode.total.time_s, 1e-15);
  EXPECT_NEAR(ops, p.decode.total.time_s, 1e-15);
  ASSERT_EQ(p.decode.by_loop.size(), 2u);  // looped: loop 1 and loop 2
  EXPECT_EQ(p.decode.by_loop[1].loop_lo, 2);
  EXPECT_EQ(p.decode.ops.size(), plan_step(paper(Variant::looped), {Phase::decode, 4, 512}).ops.size());
  EXPECT_EQ(p.decode.by_kind[static_cast<std::size_t>(OpKind::attn_global)].ops, 32);  // 16 layers x 2 loops
}

TEST(Predict, SameInputSameBits) {
  PredictRequest r;
  r.batch = 8;
  r.context = 3000;
  r.generate = 64;
  const HardwareSpec hw = load_hardware("a100-80gb");
  const Prediction a = predict(paper(Variant::plt, 3, 64), hw, r);
  const Prediction b = predict(paper(Variant::plt, 3, 64), hw, r);
  EXPECT_EQ(prediction_to_json(a).dump(), prediction_to_json(b).dump());
  EXPECT_EQ(std::memcmp(&a.decode.total, &b.decode.total, sizeof(CostTotals)), 0);
  EXPECT_EQ(std::memcmp(&a.generation, &b.generation, sizeof(GenerationPrediction)), 0);
}

TEST(Predict, OutOfMemoryVerdict) {
  PredictRequest r;
  r.batch = 4;
  r.context = 4096;
  r.generate = 0;
  const HardwareSpec hw = load_hardware("rtx-4090");
  EXPECT_EQ(predict(paper(Variant::plt), hw, r).memory.verdict, MemoryVerdict::fits);
  r.batch = 256;  // 32768 B/token * 4096 * 256 = 34 GB of KV alone > 24 GB
  const Prediction p = predict(paper(Variant::plt), hw, r);
  EXPECT_EQ(p.memory.verdict, MemoryVerdict::out_of_memory);
  EXPECT_EQ(p.memory.total_bytes, p.memory.weight_bytes + p.memory.kv_bytes + p.memory.activation_peak_bytes);
  EXPECT_EQ(p.memory.device_bytes, 24000000000);
}

TEST(Predict, DecodeTokensPerSecond) {
  const Prediction p = ladder_point(Variant::vanilla, 4);
  EXPECT_DOUBLE_EQ(p.decode_tokens_per_s, 4 / p.decode.total.time_s);
}

TEST(Predict, BadInputNamesTheField) {
  const HardwareSpec hw = load_hardware("h200");
  PredictRequest r;
  r.batch = 0;
  try {
    predict(paper(Variant::plt), hw, r);
    FAIL() << "batch 0 accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "batch");
  }
  r.batch = 1;
  ModelConfig bad = paper(Variant::plt);
  bad.kv_heads = 5;  // does not divide 32 heads
  try {
    predict(bad, hw, r);
    FAIL() << "impossible config accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "kv_heads");
  }
  r.generate = kMaxGenerateTokens + 1;
  try {
    predict(paper(Variant::plt), hw, r);
    FAIL() << "generate above the limit accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "generate");
  }
  r.generate = 0;
  Calibration other;
  other.provenance.hardware = "h100-sxm";
  try {
    predict(paper(Variant::plt), hw, r, &other);
    FAIL() << "calibration of other hardware accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "calibration");
  }
}
