// The step plan per variant: pins the op sequence engine, profiler and simulator share.
#include <gtest/gtest.h>

#include <algorithm>

#include "engine/core/error.hpp"
#include "engine/core/plan.hpp"

using namespace looplab;

namespace {

ModelConfig cfg(Variant v, std::int64_t L, std::int64_t w = 4) {
  ModelConfig c = load_model("tiny");  // 2 layers, d 64, 4 heads, 2 kv heads, dh 16, ffn 128
  c.variant = v;
  c.loops = L;
  c.window = w;
  return c;
}
std::vector<std::string> kinds(const StepPlan& p, std::int32_t layer, std::int32_t pass = 0) {
  std::vector<std::string> out;
  for (const auto& o : p.ops)
    if (o.layer == layer && o.pass == pass) out.emplace_back(to_string(o.kind));
  return out;
}
std::vector<std::string> step_level(const StepPlan& p) {
  std::vector<std::string> out;
  for (const auto& o : p.ops)
    if (o.layer < 0) out.push_back(op_name(o));
  return out;
}
const OpDesc& find(const StepPlan& p, OpKind k, std::int32_t layer = 0, std::int32_t pass = 0) {
  for (const auto& o : p.ops)
    if (o.kind == k && o.layer == layer && o.pass == pass) return o;
  throw std::runtime_error("op not in plan");
}
bool has(const StepPlan& p, OpKind k) {
  return std::any_of(p.ops.begin(), p.ops.end(), [k](const OpDesc& o) { return o.kind == k; });
}
using V = std::vector<std::string>;
const V kBlock = {"attn_norm", "qkv_proj",     "rope_kv_append", "attn_global",       "o_proj_residual",
                  "mlp_norm",  "gate_up_proj", "swiglu",         "down_proj_residual"};
const StepShape kDecode{Phase::decode, 3, 10};

}  // namespace

TEST(Plan, VanillaDecode) {
  StepPlan p = plan_step(cfg(Variant::vanilla, 1), kDecode);
  EXPECT_EQ(p.passes, 1);
  EXPECT_EQ(kinds(p, 0), kBlock);
  EXPECT_EQ(kinds(p, 1), kBlock);
  EXPECT_EQ(step_level(p), (V{"embed", "final_norm", "lm_head", "argmax"}));
  EXPECT_EQ(p.ops.size(), 2u * 9 + 4);
  const OpDesc& qkv = find(p, OpKind::qkv_proj);
  EXPECT_EQ(qkv.rows, 3);
  EXPECT_EQ(qkv.n, 64 + 2 * 32);  // Hq*dh + 2*Hkv*dh
  EXPECT_EQ(qkv.k, 64);
  const OpDesc& att = find(p, OpKind::attn_global);
  EXPECT_EQ(att.kv_len, 10);
  EXPECT_EQ(att.q_per_seq, 1);
  EXPECT_EQ(op_name(att), "layer0.loop1.attn_global");
}

TEST(Plan, LoopedDecodeIsLDependentPassesOverBRows) {
  StepPlan p = plan_step(cfg(Variant::looped, 3), kDecode);
  EXPECT_EQ(p.passes, 3);
  for (std::int32_t pass = 0; pass < 3; ++pass) {
    EXPECT_EQ(kinds(p, 1, pass), kBlock) << pass;
    const OpDesc& att = find(p, OpKind::attn_global, 1, pass);
    EXPECT_EQ(att.rows, 3);
    EXPECT_EQ(att.loop_lo, pass + 1);
    EXPECT_EQ(att.kv, KvSource::own_loop);
  }
  EXPECT_EQ(op_name(find(p, OpKind::attn_global, 1, 2)), "layer1.loop3.attn_global");
  EXPECT_EQ(p.ops.size(), 3u * 2 * 9 + 4);
  EXPECT_FALSE(has(p, OpKind::reinject));
  EXPECT_FALSE(has(p, OpKind::state_save));
}

TEST(Plan, ClpDecodeIsOnePassOverBLRows) {
  StepPlan p = plan_step(cfg(Variant::clp, 3), kDecode);
  EXPECT_EQ(p.passes, 1);
  EXPECT_EQ(kinds(p, 0), kBlock);
  const OpDesc& qkv = find(p, OpKind::qkv_proj);
  EXPECT_EQ(qkv.rows, 9);  // B*L
  const OpDesc& att = find(p, OpKind::attn_global);
  EXPECT_EQ(att.kv, KvSource::own_loop);
  EXPECT_EQ(att.kv_sets, 3);  // each loop's rows read their own cache
  EXPECT_EQ(att.q_per_seq, 1);
  EXPECT_EQ(step_level(p), (V{"embed", "loops1-2.state_save", "final_norm", "lm_head", "argmax"}));
  EXPECT_EQ(p.ops.front().rows, 9);
  EXPECT_EQ(find(p, OpKind::lm_head, -1).rows, 3);
}

TEST(Plan, ClpShareLoopsTwoAndUpComputeNoKV) {
  StepPlan p = plan_step(cfg(Variant::clp_share, 3), kDecode);
  EXPECT_EQ(kinds(p, 0), (V{"attn_norm", "q_proj", "kv_proj", "rope_kv_append", "attn_global", "o_proj_residual",
                            "mlp_norm", "gate_up_proj", "swiglu", "down_proj_residual"}));
  EXPECT_EQ(find(p, OpKind::q_proj).rows, 9);
  const OpDesc& kv = find(p, OpKind::kv_proj);
  EXPECT_EQ(kv.rows, 3);  // loop-1 rows only
  EXPECT_EQ(kv.loop_hi, 1);
  EXPECT_EQ(find(p, OpKind::rope_kv_append).kv_rows, 3);
  const OpDesc& att = find(p, OpKind::attn_global);
  EXPECT_EQ(att.kv, KvSource::shared);
  EXPECT_EQ(att.kv_sets, 1);
  EXPECT_EQ(att.q_per_seq, 3);  // the L rows of a sequence share one K/V read
}

TEST(Plan, PltAddsLocalWindowAttentionAndGate) {
  StepPlan p = plan_step(cfg(Variant::plt, 3, 4), kDecode);
  EXPECT_EQ(kinds(p, 0), (V{"attn_norm", "qkv_proj", "rope_kv_append", "attn_global", "attn_local_gate",
                            "o_proj_residual", "mlp_norm", "gate_up_proj", "swiglu", "down_proj_residual"}));
  const OpDesc& loc = find(p, OpKind::attn_local_gate);
  EXPECT_EQ(loc.loop_lo, 2);
  EXPECT_EQ(loc.loop_hi, 3);
  EXPECT_EQ(loc.rows, 6);    // B*(L-1)
  EXPECT_EQ(loc.kv_len, 4);  // min(context 10, w 4)
  EXPECT_EQ(find(p, OpKind::attn_global).kv, KvSource::shared);
  StepPlan early = plan_step(cfg(Variant::plt, 3, 64), kDecode);
  EXPECT_EQ(find(early, OpKind::attn_local_gate).kv_len, 10);  // window longer than context
}

TEST(Plan, LoopsOneOfEveryVariantIsVanilla) {
  for (Phase ph : {Phase::prefill, Phase::decode}) {
    StepPlan ref = plan_step(cfg(Variant::vanilla, 1), {ph, 2, 7});
    for (Variant v : kAllVariants) {
      StepPlan p = plan_step(cfg(v, 1), {ph, 2, 7});
      EXPECT_EQ(p.ops, ref.ops) << to_string(v) << " " << to_string(ph);
    }
  }
}

TEST(Plan, PrefillOfCrossLoopVariantsIsTheFullSequenceForm) {
  const StepShape pre{Phase::prefill, 2, 5};
  StepPlan p = plan_step(cfg(Variant::plt, 2, 3), pre);
  EXPECT_EQ(p.passes, 2);
  EXPECT_EQ(step_level(p), (V{"embed", "loop1.state_save", "loop2.reinject", "final_norm", "lm_head", "argmax"}));
  const OpDesc& att1 = find(p, OpKind::attn_global, 0, 0);
  EXPECT_TRUE(att1.causal);
  EXPECT_EQ(att1.rows, 10);  // B*P
  EXPECT_EQ(att1.q_per_seq, 5);
  EXPECT_EQ(find(p, OpKind::attn_global, 0, 1).kv, KvSource::shared);
  EXPECT_EQ(find(p, OpKind::attn_local_gate, 0, 1).kv_len, 3);
  // clp_share loop 2 computes queries only.
  StepPlan s = plan_step(cfg(Variant::clp_share, 2), pre);
  EXPECT_EQ(kinds(s, 0, 1)[1], "q_proj");
  EXPECT_EQ(find(s, OpKind::rope_kv_append, 0, 1).kv_rows, 0);
  EXPECT_EQ(find(s, OpKind::rope_kv_append, 0, 0).kv_rows, 10);
}

TEST(Plan, BadShapesAreRefused) {
  EXPECT_THROW(plan_step(cfg(Variant::plt, 2), {Phase::decode, 0, 10}), InputError);
  EXPECT_THROW(plan_step(cfg(Variant::plt, 2), {Phase::decode, 1, 0}), InputError);
  ModelConfig bad = cfg(Variant::plt, 2);
  bad.kv_heads = 3;
  EXPECT_THROW(plan_step(bad, kDecode), InputError);
}
