// The GPU efficiency model term by term, worked out by hand (docs/simulator.md, "The efficiency
// model"), the engine profiles' terms on a step, and the profiles' JSON.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "engine/core/error.hpp"
#include "simulator/efficiency.hpp"
#include "simulator/engine_profile.hpp"
#include "simulator/op_cost.hpp"
#include "simulator/predict.hpp"
#include "test_support.hpp"

using namespace looplab;
using namespace looplab::test;
using namespace looplab::efficiency;

TEST(Efficiency, TileEfficiencyIsTheTileAreaToAPower) {
  EXPECT_DOUBLE_EQ(tile_efficiency(128, 256, 0.5), 1.0);
  EXPECT_DOUBLE_EQ(tile_efficiency(128, 128, 0.5), std::sqrt(0.5));  // half the area
  EXPECT_DOUBLE_EQ(tile_efficiency(64, 64, 1.0), 0.125);             // 4096 / 32768
  EXPECT_DOUBLE_EQ(tile_efficiency(64, 64, 0.0), 1.0);               // alpha 0: every tile at peak
}

TEST(Efficiency, FullWavesOfFullTilesCostNothingExtra) {
  // 4096^3 on 128 SMs: 32 x 16 = 512 tiles of 128x256, 4 full waves
  const TileChoice t = gemm_tiles(4096, 4096, 4096, 128);
  EXPECT_EQ(t.tm, 128);
  EXPECT_EQ(t.tn, 256);
  EXPECT_EQ(t.split_k, 1);
  EXPECT_DOUBLE_EQ(t.factor, 1.0);
}

TEST(Efficiency, PaddingOfAPartialTile) {
  // 100 x 256, K 256 (no split: K/2 < 256) on 1 SM: every tile shape pads 100 rows to 128
  // (or to 2 x 64): 32768 / 25600 = 1.28
  const TileChoice t = gemm_tiles(100, 256, 256, 1);
  EXPECT_DOUBLE_EQ(t.factor, 1.28);
  EXPECT_EQ(t.tm, 128);  // the first shape reaching the smallest factor
  EXPECT_EQ(t.tn, 256);
}

TEST(Efficiency, WaveQuantizationPicksTheTileThatFillsTheWaves) {
  // 128 x 1280, K 256, on 4 SMs:
  //   128x256: 5 tiles, 2 waves -> 8/5 = 1.6;  128x128: 10 tiles, 3 waves -> 12/10 = 1.2
  //   64x128: 20 tiles, 5 full waves -> 1.0;   64x64: 40 tiles, 10 full waves -> 1.0 (later)
  const TileChoice t = gemm_tiles(128, 1280, 256, 4);
  EXPECT_EQ(t.tm, 64);
  EXPECT_EQ(t.tn, 128);
  EXPECT_DOUBLE_EQ(t.factor, 1.0);
  // With alpha 0.5 the small tiles pay for their reuse: 64x128 2.0, 64x64 1/sqrt(1/8) = 2.83,
  // 128x128 1.2/sqrt(0.5) = 1.70; 128x256 keeps 1.6
  const TileChoice a = gemm_tiles(128, 1280, 256, 4, 0.5);
  EXPECT_EQ(a.tn, 256);
  EXPECT_DOUBLE_EQ(a.factor, 1.6);
}

TEST(Efficiency, SplitKFillsTheSmsWhenTilesAreFew) {
  // 128 x 256, K 4096, on 8 SMs: one tile; split 8 (512 of K each) gives 8 blocks, one wave
  const TileChoice t = gemm_tiles(128, 256, 4096, 8);
  EXPECT_EQ(t.split_k, 8);
  EXPECT_DOUBLE_EQ(t.factor, 1.0);
  // K 1024 allows splits up to 4 (K/8 = 128 < 256): 128x256 split 4 -> 2.0; 128x128 (2 tiles)
  // split 4 -> 8 blocks, 1.0
  const TileChoice s = gemm_tiles(128, 256, 1024, 8);
  EXPECT_EQ(s.tn, 128);
  EXPECT_EQ(s.split_k, 4);
  EXPECT_DOUBLE_EQ(s.factor, 1.0);
}

TEST(Efficiency, SkinnyGemmsUseSixteenRowTilesAtFullEfficiency) {
  // 1 x 4096, K 4096, on 128 SMs: 16x128 tiles, 32 of them, pad 32*16*128/4096 = 16; split 4
  // (1024 of K each) gives 128 blocks, one full wave: 16. Split 8 (256 blocks, 2 full waves) and
  // 16x64 split 2 tie at 16 and come later. The tile exponent does not touch skinny tiles.
  for (const double alpha : {0.0, 0.75}) {
    const TileChoice t = gemm_tiles(1, 4096, 4096, 128, alpha);
    EXPECT_EQ(t.tm, kSkinnyRows);
    EXPECT_EQ(t.tn, 128);
    EXPECT_EQ(t.split_k, 4);
    EXPECT_DOUBLE_EQ(t.factor, 16.0);
  }
  // 16 rows fill the skinny tile: factor 1 with 128 blocks (split 4)
  EXPECT_DOUBLE_EQ(gemm_tiles(16, 4096, 4096, 128, 0.75).factor, 1.0);
  // 17 rows take the ordinary tiles and their efficiency (alpha 0.5): 128x256 pads 17 rows to
  // 128, 16 tiles split 8 fill 128 SMs: 128/17 = 7.53, against 64x64 at 64/17 / sqrt(1/8) = 10.65
  const TileChoice o = gemm_tiles(17, 4096, 4096, 128, 0.5);
  EXPECT_EQ(o.tm, 128);
  EXPECT_EQ(o.split_k, 8);
  EXPECT_DOUBLE_EQ(o.factor, 128.0 / 17.0);
}

TEST(Efficiency, DegenerateShapesCostTheIdeal) {
  EXPECT_DOUBLE_EQ(gemm_tiles(0, 10, 10, 132).factor, 1.0);
  EXPECT_DOUBLE_EQ(gemm_tiles(10, 10, 10, 0).factor, 1.0);
}

TEST(Efficiency, ParallelFraction) {
  EXPECT_DOUBLE_EQ(parallel_fraction(66, 132, 1), 0.5);
  EXPECT_DOUBLE_EQ(parallel_fraction(264, 132, 1), 1.0);   // capped at the whole device
  EXPECT_DOUBLE_EQ(parallel_fraction(66, 132, 0.5), 1.0);  // half a block per SM suffices
  EXPECT_DOUBLE_EQ(parallel_fraction(66, 0, 1), 1.0);      // no SM count: no term
}

TEST(Efficiency, DecodeSplits) {
  EXPECT_EQ(decode_splits(8, 1000, 132, 0), 1);    // no split
  EXPECT_EQ(decode_splits(8, 1024, 132, 512), 2);  // fixed partitions of 512 keys
  EXPECT_EQ(decode_splits(8, 1025, 132, 512), 3);
  EXPECT_EQ(decode_splits(8, 4096, 132, -1), 16);   // fill: ceil(132/8) = 17, but 4096/256 = 16
  EXPECT_EQ(decode_splits(8, 1000, 132, -1), 3);    // 1000/256 = 3 splits of >= 256 keys
  EXPECT_EQ(decode_splits(200, 4096, 132, -1), 1);  // 200 units already fill 132 SMs
  EXPECT_EQ(decode_splits(8, 100, 132, -1), 1);     // shorter than one split
}

TEST(Efficiency, Overlap) {
  EXPECT_DOUBLE_EQ(overlapped(3, 1, 1.0), 3);  // the roofline's max
  EXPECT_DOUBLE_EQ(overlapped(3, 1, 0.0), 4);  // the sum
  EXPECT_DOUBLE_EQ(overlapped(3, 1, 0.5), 3.5);
  EXPECT_DOUBLE_EQ(overlapped(1, 3, 0.5), 3.5);
}

namespace {

// round_gpu (100 SMs, 1 TB/s, 100 TFLOP/s, graph launch 1 us) under a test engine: attention at
// half the GEMM ceiling, 5 us of host time per kernel, the attention norm fused away.
CostParams test_engine_params(const ModelConfig& c) {
  auto e = std::make_shared<EngineProfile>(roofline_engine_profile(LaunchMode::graph));
  e->name = "test";
  e->attention_efficiency = {0.5, "test"};
  e->host_per_kernel_s = {5e-6, "test"};
  e->step_overhead_s = {20e-6, "test"};
  e->step_overhead_per_seq_s = {1e-6, "test"};
  e->request_overhead_s = {1e-3, "test"};
  e->kernels_per_op[static_cast<std::size_t>(OpKind::attn_norm)] = 0;
  EfficiencyParams eff;
  eff.ramp_s = 2e-6;
  eff.overlap = 0.5;
  eff.blocks_per_sm = 1;
  eff.tile_alpha = 0;
  return make_cost_params(c, round_gpu(), CostOptions{LaunchMode::graph, Ceiling::achievable, e}, nullptr, eff);
}

const StepShape kDecode{Phase::decode, 3, 10};

}  // namespace

TEST(Efficiency, DecodeGemmPaysForItsPaddedTiles) {
  const ModelConfig c = tiny(Variant::vanilla, 1);
  const CostParams p = test_engine_params(c);
  const OpCost q = cost_op(find_op(plan_step(c, kDecode), OpKind::qkv_proj), p);
  // M 3, N 128, K 64 (no split): a skinny GEMM. 16x64 tiles, 2 of them, pad 2*16*64/384 = 5.33
  // and use 2 of 100 SMs: factor 5.33 * 50 = 266.67 (16x128: 1 tile, 5.33 * 100 = 533.33)
  const double factor = 2.0 * 16 * 64 / 384 * 50;
  EXPECT_DOUBLE_EQ(q.compute_s, 49152 / 100e12 * factor);
  EXPECT_DOUBLE_EQ(q.memory_s, 17536 / 1e12);
  EXPECT_DOUBLE_EQ(q.overhead_s, 3e-6);  // launch 1 us + ramp 2 us
  EXPECT_DOUBLE_EQ(q.host_s, 5e-6);
  EXPECT_DOUBLE_EQ(q.time_s, q.compute_s + 0.5 * q.memory_s + 3e-6);  // compute-bound, half the memory hidden
}

TEST(Efficiency, DecodeAttentionRunsOnTheBlocksItHas) {
  const ModelConfig c = tiny(Variant::vanilla, 1);
  const OpCost a = cost_op(find_op(plan_step(c, kDecode), OpKind::attn_global), test_engine_params(c));
  // 3 sequences x 2 KV heads = 6 blocks (10 keys: no split) on 100 SMs: 6% of the bandwidth
  EXPECT_DOUBLE_EQ(a.memory_s, (3840 + 768) / 1e12 / 0.06);
  EXPECT_DOUBLE_EQ(a.compute_s, 7680 / 100e12 / 0.5);  // attention efficiency 0.5
  EXPECT_DOUBLE_EQ(a.time_s, a.memory_s + 0.5 * a.compute_s + 3e-6);
}

TEST(Efficiency, AFusedOpHasNoLaunchOfItsOwn) {
  const ModelConfig c = tiny(Variant::vanilla, 1);
  const OpCost n = cost_op(find_op(plan_step(c, kDecode), OpKind::attn_norm), test_engine_params(c));
  EXPECT_EQ(n.overhead_s, 0);
  EXPECT_EQ(n.host_s, 0);
}

TEST(Efficiency, EngineOverheadIsTheHostExcessPlusTheStepsOwnWork) {
  CostParams p;
  p.step_overhead_s = 20e-6;
  p.step_overhead_per_seq_s = 1e-6;
  p.request_overhead_s = 1e-3;
  CostTotals t;
  t.time_s = 50e-6;
  t.host_s = 110e-6;  // the host issues slower than the GPU runs: 60 us exposed
  CostTotals decode = t;
  add_engine_overhead(decode, p, 4, false);
  EXPECT_NEAR(decode.engine_s, 60e-6 + 20e-6 + 4e-6, 1e-15);
  EXPECT_NEAR(decode.time_s, 134e-6, 1e-15);
  EXPECT_NEAR(decode.time_by_bound_s[static_cast<std::size_t>(Bound::launch)], 84e-6, 1e-15);
  CostTotals prefill = t;
  add_engine_overhead(prefill, p, 4, true);
  EXPECT_NEAR(prefill.time_s, 134e-6 + 1e-3, 1e-15);
  t.host_s = 10e-6;  // the GPU is the slower: host time hidden
  add_engine_overhead(t, p, 4, false);
  EXPECT_NEAR(t.engine_s, 24e-6, 1e-15);
}

TEST(Efficiency, TheRooflineCostModelTurnsEveryTermOff) {
  const ModelConfig c = tiny(Variant::vanilla, 1);
  const CostParams p = make_cost_params(c, round_gpu(), roofline());
  EXPECT_FALSE(p.gpu_model);
  EXPECT_EQ(p.step_overhead_s, 0);
  const OpCost q = cost_op(find_op(plan_step(c, kDecode), OpKind::qkv_proj), p);
  EXPECT_DOUBLE_EQ(q.time_s, 17536 / 1e12 + 1e-6);
  // the default (kernels) costs more than the bound
  const CostParams k = make_cost_params(c, round_gpu(), CostOptions{});
  EXPECT_TRUE(k.gpu_model);
  EXPECT_GT(cost_op(find_op(plan_step(c, kDecode), OpKind::qkv_proj), k).time_s, q.time_s);
}

TEST(EngineProfiles, ShippedProfilesLoadWithSources) {
  const auto names = engine_profile_names();
  ASSERT_GE(names.size(), 8u);
  for (const auto& n :
       {"looplab-graph", "looplab-stream", "vllm", "sglang", "tensorrt-llm", "llama.cpp", "pytorch-eager"})
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  for (const auto& n : names) {
    SCOPED_TRACE(n);
    const EngineProfile e = load_engine_profile(n, ProfileFit::priors);
    EXPECT_EQ(e.name, n);
    EXPECT_FALSE(e.description.empty());
    for (const SourcedValue* v : {&e.host_per_kernel_s, &e.step_overhead_s, &e.step_overhead_per_seq_s,
                                  &e.request_overhead_s, &e.attention_efficiency})
      EXPECT_FALSE(v->source.empty());
    // and it round-trips through JSON
    const EngineProfile back = engine_profile_from_json(engine_profile_to_json(e), n, "round trip");
    EXPECT_EQ(engine_profile_to_json(back).dump(), engine_profile_to_json(e).dump());
  }
}

TEST(EngineProfiles, TheDefaultEngineIsLooplabsProfile) {
  EXPECT_EQ(CostOptions{}.engine_name(), "looplab-graph");
  EXPECT_EQ(CostOptions{LaunchMode::stream}.engine_name(), "looplab-stream");
  EXPECT_EQ(looplab_engine_profile(LaunchMode::stream).launch, LaunchMode::stream);
}

TEST(EngineProfiles, BadProfilesNameTheKey) {
  const nlohmann::json good = engine_profile_to_json(load_engine_profile("vllm", ProfileFit::priors));
  auto expect_field = [&](const nlohmann::json& j, const std::string& field) {
    try {
      (void)engine_profile_from_json(j, "x", "x.json");
      ADD_FAILURE() << "accepted: " << j.dump();
    } catch (const InputError& e) {
      EXPECT_EQ(e.field(), field);
    }
  };
  nlohmann::json j = good;
  j["host_per_kernel_s"]["source"] = "";
  expect_field(j, "host_per_kernel_s.source");
  j = good;
  j["step_overhead_s"]["value"] = -1;
  expect_field(j, "step_overhead_s.value");
  j = good;
  j["launch"] = "warp";
  expect_field(j, "launch");
  j = good;
  j["kernels_per_op"] = {{"flash_attn", 1}};
  expect_field(j, "kernels_per_op.flash_attn");
  j = good;
  j["fitted"] = {"attention_efficiency"};
  expect_field(j, "fitted");
  j = good;
  j["decode_split_tokens"] = -2;
  expect_field(j, "decode_split_tokens");
  j = good;
  j["speed"] = 2;
  expect_field(j, "speed");
  j = good;
  j.erase("description");
  expect_field(j, "description");
  try {
    (void)load_engine_profile("no-such-engine");
    ADD_FAILURE() << "unknown engine accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "engine");
    EXPECT_NE(std::string(e.what()).find("vllm"), std::string::npos);  // lists the known ones
  }
}
