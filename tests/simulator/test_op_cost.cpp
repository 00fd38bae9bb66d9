// Hand-calculated costs of single plan ops. Spec: round_gpu (bf16 100 TFLOP/s, 1 TB/s, graph
// launch 1 us, L2 1 MiB); model: tiny (d 64, Hq 4, Hkv 2, dh 16, ffn 128), bf16 = 2 bytes.
#include <gtest/gtest.h>

#include "simulator/op_cost.hpp"
#include "test_support.hpp"

using namespace looplab;
using namespace looplab::test;

namespace {

const StepShape kDecode{Phase::decode, 3, 10};  // 3 sequences, 10 keys visible

OpCost cost_of(const ModelConfig& c, const StepShape& s, OpKind k, std::int32_t layer = 0, std::int32_t pass = 0,
               const HardwareSpec& hw = round_gpu(), const CostOptions& opt = roofline()) {
  const StepPlan p = plan_step(c, s);
  return cost_op(find_op(p, k, layer, pass), make_cost_params(c, hw, opt));
}

}  // namespace

TEST(OpCost, DecodeQkvGemmIsLaunchBound) {
  const OpCost c = cost_of(tiny(Variant::vanilla, 1), kDecode, OpKind::qkv_proj);
  // M 3, N = 64 + 2*32 = 128, K 64
  EXPECT_EQ(c.flops, 49152);            // 2 * 3 * 128 * 64
  EXPECT_EQ(c.weight_bytes, 16384);     // 128 * 64 * 2
  EXPECT_EQ(c.activation_bytes, 1152);  // (3*64 + 3*128) * 2
  EXPECT_EQ(c.kv_read_bytes + c.kv_write_bytes, 0);
  EXPECT_DOUBLE_EQ(c.memory_s, 17536 / 1e12);  // 16384 + 1152 bytes at 1 TB/s
  EXPECT_DOUBLE_EQ(c.compute_s, 49152 / 100e12);
  EXPECT_DOUBLE_EQ(c.overhead_s, 1e-6);  // graph launch
  EXPECT_DOUBLE_EQ(c.time_s, 17536 / 1e12 + 1e-6);
  EXPECT_EQ(c.bound, Bound::launch);  // 17.5 ns of traffic against 1 us of launch
}

TEST(OpCost, StreamLaunchCostsMore) {
  const CostOptions stream = roofline(LaunchMode::stream, Ceiling::measured);
  const OpCost c = cost_of(tiny(Variant::vanilla, 1), kDecode, OpKind::qkv_proj, 0, 0, round_gpu(), stream);
  EXPECT_DOUBLE_EQ(c.time_s, 17536 / 1e12 + 2e-6);
}

TEST(OpCost, DownProjReadsTheResidual) {
  const OpCost c = cost_of(tiny(Variant::vanilla, 1), kDecode, OpKind::down_proj_residual);
  // M 3, N 64, K 128
  EXPECT_EQ(c.flops, 49344);            // 2*3*64*128 = 49152, + 3*64 residual adds
  EXPECT_EQ(c.weight_bytes, 16384);     // 64 * 128 * 2
  EXPECT_EQ(c.activation_bytes, 1536);  // (3*128 in + 3*64 residual + 3*64 out) * 2
}

TEST(OpCost, DecodeAttentionReadsEachSequencesKvOnce) {
  const OpCost c = cost_of(tiny(Variant::vanilla, 1), kDecode, OpKind::attn_global);
  // 3 seqs x 1 set x 10 keys = 30 query-key pairs per head
  EXPECT_EQ(c.flops, 7680);            // 4 * Hq 4 * dh 16 * 30
  EXPECT_EQ(c.kv_read_bytes, 3840);    // 3 * 10 keys * (K+V) 2 * Hkv 2 * dh 16 * 2 bytes
  EXPECT_EQ(c.activation_bytes, 768);  // q in + out: 2 * 3 rows * 4 * 16 * 2
  EXPECT_EQ(c.weight_bytes, 0);
}

TEST(OpCost, SharedCacheIsReadOnceForAllLoopsOfASequence) {
  const OpCost share = cost_of(tiny(Variant::clp_share, 2), kDecode, OpKind::attn_global);
  // 6 query rows (B*L), q_per_seq 2, one shared set: the KV read equals vanilla's 3840 bytes
  EXPECT_EQ(share.kv_read_bytes, 3840);
  EXPECT_EQ(share.flops, 15360);            // 4 * 4 * 16 * (3 seqs * 2 rows * 10 keys)
  EXPECT_EQ(share.activation_bytes, 1536);  // 2 * 6 * 4 * 16 * 2
  const OpCost clp = cost_of(tiny(Variant::clp, 2), kDecode, OpKind::attn_global);
  // clp: every loop has its own cache, 2 sets per sequence
  EXPECT_EQ(clp.kv_read_bytes, 7680);  // 3 * 2 sets * 10 * 2 * 2 * 16 * 2
  EXPECT_EQ(clp.flops, 15360);
}

TEST(OpCost, PltLocalWindowAttentionWithGate) {
  const OpCost c = cost_of(tiny(Variant::plt, 2, 4), kDecode, OpKind::attn_local_gate);
  // rows 3 (loop 2), window 4 keys of loop 2's own ring
  EXPECT_EQ(c.kv_read_bytes, 1536);     // 3 * 4 * 2 * 2 * 16 * 2
  EXPECT_EQ(c.flops, 4032);             // 4*4*16*(3*4) = 3072, gate + mix 3*4*(2*16 + 3*16) = 960
  EXPECT_EQ(c.activation_bytes, 1152);  // q + out 768, y_global read 3*4*16*2 = 384
  EXPECT_EQ(c.weight_bytes, 136);       // Wg (4*16) + bg (4), 2 bytes each
}

TEST(OpCost, CausalPrefillAttentionCountsATriangle) {
  const StepShape pre{Phase::prefill, 2, 5};
  const OpCost g = cost_of(tiny(Variant::vanilla, 1), pre, OpKind::attn_global);
  // 5 rows see 1..5 keys: 15 pairs per sequence, 2 sequences
  EXPECT_EQ(g.flops, 7680);          // 4 * 4 * 16 * 30
  EXPECT_EQ(g.kv_read_bytes, 1280);  // 2 * 5 * 2 * 2 * 16 * 2
  const OpCost l = cost_of(tiny(Variant::plt, 2, 4), {Phase::prefill, 1, 10}, OpKind::attn_local_gate, 0, 1);
  // rows 1..10 see min(p, 4) keys: 1+2+3+4 + 6*4 = 34 pairs
  EXPECT_EQ(l.flops, 11904);        // 4*4*16*34 = 8704, gate + mix 10*4*(2*16 + 3*16) = 3200
  EXPECT_EQ(l.kv_read_bytes, 512);  // 1 * 4 keys * 2 * 2 * 16 * 2
}

TEST(OpCost, RopeAppendsOnlyTheRowsThatOwnKv) {
  const OpCost c = cost_of(tiny(Variant::clp_share, 2), kDecode, OpKind::rope_kv_append);
  // q of 6 rows: 6*4*16 = 384 elements; k of the 3 loop-1 rows: 3*2*16 = 96
  EXPECT_EQ(c.flops, 1440);             // 3 * (384 + 96)
  EXPECT_EQ(c.activation_bytes, 1920);  // (2*384 + 2*96) * 2
  EXPECT_EQ(c.kv_write_bytes, 384);     // K and V: 2 * 96 * 2
}

TEST(OpCost, NormAndSwiglu) {
  const OpCost n = cost_of(tiny(Variant::vanilla, 1), kDecode, OpKind::attn_norm);
  EXPECT_EQ(n.flops, 768);             // 4 * 3 * 64
  EXPECT_EQ(n.weight_bytes, 128);      // 64 * 2
  EXPECT_EQ(n.activation_bytes, 768);  // 2 * 3 * 64 * 2
  const OpCost s = cost_of(tiny(Variant::vanilla, 1), kDecode, OpKind::swiglu);
  EXPECT_EQ(s.flops, 1536);             // 4 * 3 * 128
  EXPECT_EQ(s.activation_bytes, 2304);  // 3 * 3 * 128 * 2
}

TEST(OpCost, CrossLoopEmbedGathersTokensOnce) {
  const StepPlan p = plan_step(tiny(Variant::plt, 3), kDecode);
  const OpCost c =
      cost_op(find_op(p, OpKind::embed, -1), make_cost_params(tiny(Variant::plt, 3), round_gpu(), roofline()));
  // 9 rows (B*L), 3 tokens gathered, 6 rows add a saved state
  EXPECT_EQ(c.weight_bytes, 384);       // 3 * 64 * 2
  EXPECT_EQ(c.activation_bytes, 1920);  // (6*64 states read + 9*64 rows written) * 2
  EXPECT_EQ(c.flops, 384);              // 6 * 64 adds
}

TEST(OpCost, LargePrefillGemmIsComputeBoundOnH200) {
  ModelConfig c = load_model("plt-paper-dense-1.2b");
  const HardwareSpec h200 = load_hardware("h200");
  const OpCost g = cost_of(c, {Phase::prefill, 4, 4096}, OpKind::gate_up_proj, 0, 0, h200,
                           roofline(LaunchMode::graph, Ceiling::measured));
  // M 16384, N 16384 (gate+up), K 2048
  EXPECT_EQ(g.flops, 1099511627776.0);  // 2 * 16384 * 16384 * 2048 = 2^40
  EXPECT_EQ(g.bound, Bound::compute);
  EXPECT_DOUBLE_EQ(g.time_s, 1099511627776.0 / 790e12 + 1.3e-6);  // measured ceiling, graph launch
  const CostOptions datasheet = roofline(LaunchMode::graph, Ceiling::datasheet);
  const OpCost d = cost_of(c, {Phase::prefill, 4, 4096}, OpKind::gate_up_proj, 0, 0, h200, datasheet);
  EXPECT_DOUBLE_EQ(d.time_s, 1099511627776.0 / 989e12 + 1.3e-6);
}

TEST(OpCost, LaterPassReadsWeightsFromL2OnlyWhenTheStackFits) {
  const ModelConfig c = tiny(Variant::looped, 2);
  const StepPlan p = plan_step(c, kDecode);
  // tiny's stack: 2 layers * 36992 weights * 2 bytes = 147968 bytes (no PLT gate for looped)
  EXPECT_EQ(layer_weight_bytes(c, 2) * 2, 147968);
  const CostParams fits = make_cost_params(c, round_gpu(147968), {});
  const CostParams spills = make_cost_params(c, round_gpu(147967), {});
  EXPECT_TRUE(fits.stack_weights_in_l2);
  EXPECT_FALSE(spills.stack_weights_in_l2);
  const OpDesc& first = find_op(p, OpKind::qkv_proj, 1, 0);
  const OpDesc& second = find_op(p, OpKind::qkv_proj, 1, 1);
  EXPECT_EQ(cost_op(first, fits).weight_bytes, 16384);  // first pass always from DRAM
  EXPECT_EQ(cost_op(second, fits).weight_bytes, 0);
  EXPECT_EQ(cost_op(second, spills).weight_bytes, 16384);
  // lm_head runs once per step, in the last pass: always from DRAM (97 * 64 * 2 = 12416)
  EXPECT_EQ(cost_op(find_op(p, OpKind::lm_head, -1, 1), fits).weight_bytes, 12416);
}

TEST(OpCost, HostComputesInFp32) {
  HardwareSpec host = round_gpu();
  host.kind = HardwareKind::host;
  const ModelConfig c = tiny(Variant::vanilla, 1);  // dtype bf16 in the preset
  const CostParams p = make_cost_params(c, host, {});
  EXPECT_EQ(p.bytes_per_element, 4);
  EXPECT_EQ(p.peak_flops, 10e12);  // the f32 peak
  const OpCost q = cost_op(find_op(plan_step(c, kDecode), OpKind::qkv_proj), p);
  EXPECT_EQ(q.weight_bytes, 32768);  // 128 * 64 * 4
}

TEST(OpCost, CalibrationScalesTheRoofAndReplacesTheOverhead) {
  const ModelConfig c = tiny(Variant::vanilla, 1);
  Calibration cal;
  cal.provenance.hardware = "round-gpu";
  KindFactors& f = cal[OpKind::qkv_proj];
  f.memory_efficiency = 0.5;
  f.compute_efficiency = 0.25;
  f.overhead_s = 3e-6;
  f.memory_fitted = f.compute_fitted = f.overhead_fitted = true;
  const OpCost q =
      cost_op(find_op(plan_step(c, kDecode), OpKind::qkv_proj), make_cost_params(c, round_gpu(), roofline(), &cal));
  EXPECT_DOUBLE_EQ(q.memory_s, 17536 / (1e12 * 0.5));
  EXPECT_DOUBLE_EQ(q.compute_s, 49152 / (100e12 * 0.25));
  EXPECT_DOUBLE_EQ(q.overhead_s, 3e-6);
  // kinds the calibration did not fit keep efficiency 1 and the launch overhead
  const OpCost a =
      cost_op(find_op(plan_step(c, kDecode), OpKind::attn_global), make_cost_params(c, round_gpu(), roofline(), &cal));
  EXPECT_DOUBLE_EQ(a.memory_s, (3840 + 768) / 1e12);
  EXPECT_DOUBLE_EQ(a.overhead_s, 1e-6);
}
