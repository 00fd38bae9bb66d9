// The CUDA engine end to end against the CPU reference, on the tiny preset for every variant:
// prefill + 32 greedy decode steps with the same inputs on both backends (the CPU's tokens are fed
// to both), the GPU's tokens equal to the CPU's and its hidden states and logits within a bound
// derived from bf16 numerics, with short contexts and with one long enough that the decode
// attention runs in context splits; device KV bytes equal the formula; a replayed decode graph
// equals eager execution bit for bit, split or not.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "engine/core/kv.hpp"
#include "engine/cpu/cpu_backend.hpp"
#include "engine/cuda/cuda_backend.hpp"
#include "engine/cuda/ops/attn_global.hpp"
#include "engine/runtime/generate.hpp"
#include "engine/runtime/session.hpp"

using namespace looplab;
using looplab::gpu::CudaBackend;
using looplab::gpu::GraphMode;

namespace {

constexpr std::int64_t kBatch = 2, kPrompt = 5, kSteps = 32;

struct Case {
  Variant variant;
  std::int64_t loops;
};
void PrintTo(const Case& c, std::ostream* os) { *os << to_string(c.variant) << " L=" << c.loops; }
std::string case_name(const testing::TestParamInfo<Case>& i) {
  return std::string(to_string(i.param.variant)) + "_L" + std::to_string(i.param.loops);
}
std::vector<Case> all_cases() {
  std::vector<Case> out;
  for (Variant v : kAllVariants) out.push_back({v, 2});
  out.push_back({Variant::looped, 3});
  out.push_back({Variant::clp, 3});
  out.push_back({Variant::plt, 3});
  return out;
}

ModelConfig tiny(const Case& c) {
  ModelConfig m = load_model("tiny");
  m.variant = c.variant;
  m.loops = c.loops;
  return m;
}

double rel_error(const float* a, const float* b, std::int64_t n) {
  double num = 0, den = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    num += (static_cast<double>(a[i]) - b[i]) * (static_cast<double>(a[i]) - b[i]);
    den += static_cast<double>(b[i]) * b[i];
  }
  return std::sqrt(num / den);
}

// The bound on a hidden row's relative L2 error, from bf16 numerics: every bf16 store (weights:
// Wqkv, Wo, Wgate_up, Wdown; activations: attn/mlp norm outputs, q, K, V, attention output,
// SwiGLU output) on the path to H(L) adds a relative error of at most u = 2^-9 (round to
// nearest); R = 11 such sites per layer and loop, plus the embedding and its re-injection, add up
// like a random walk (sqrt(R)), and a factor 4 covers the amplification by norms and softmax.
double hidden_bound(const ModelConfig& c) {
  const double u = std::ldexp(1.0, -9);
  const double sites = 11.0 * static_cast<double>(c.layers * c.effective_loops()) + 2.0;
  return 4.0 * u * std::sqrt(sites);
}
// The logits add the final norm output and the LM head weights: two more sites.
double logits_bound(const ModelConfig& c) {
  const double u = std::ldexp(1.0, -9);
  const double sites = 11.0 * static_cast<double>(c.layers * c.effective_loops()) + 4.0;
  return 4.0 * u * std::sqrt(sites);
}

// top-1 minus top-2 of one row of logits.
float margin(const float* x, std::int64_t n) {
  float a = -INFINITY, b = -INFINITY;
  for (std::int64_t i = 0; i < n; ++i) {
    if (x[i] > a) {
      b = a;
      a = x[i];
    } else if (x[i] > b) {
      b = x[i];
    }
  }
  return a - b;
}

// Prefill and `steps` greedy decode steps on both backends, the CPU's tokens fed to both: the
// GPU's hidden states and logits within the bf16 bounds, its tokens the CPU's but for near-ties.
void expect_matches_cpu(const ModelConfig& c, const SessionOptions& opt, std::int64_t steps) {
  const std::int64_t batch = opt.batch, prompt = opt.max_prompt;
  const Weights w = random_weights(c, 7);
  CpuBackend cpu;
  CudaBackend gpu;
  Session sc(c, w, cpu, opt), sg(c, w, gpu, opt);
  const std::int64_t d = c.hidden, V = c.vocab;
  const double hb = hidden_bound(c), lb = logits_bound(c);
  std::printf("bounds: hidden rows %.4f, logits %.4f (relative L2)\n", hb, lb);

  const auto prompts = random_prompts(3, batch, prompt, V);
  auto tc = sc.prefill(prompts);
  auto tg = sg.prefill(prompts);
  {
    const auto hc = cpu.final_hidden(), hg = gpu.final_hidden();
    ASSERT_EQ(hc.size(), hg.size());
    for (std::int64_t r = 0; r < batch * prompt; ++r)
      EXPECT_LE(rel_error(hg.data() + r * d, hc.data() + r * d, d), hb) << "prefill row " << r;
  }
  std::int64_t identical = 0, explained_ties = 0;
  for (std::int64_t step = 0; step <= steps; ++step) {
    if (step > 0) {
      // Both engines get the CPU's tokens, so a near-tie cannot send them down different paths.
      const std::vector<std::int32_t> feed = tc;
      tc = sc.decode(feed);
      tg = sg.decode(feed);
      const auto hc = cpu.final_hidden(), hg = gpu.final_hidden();
      for (std::int64_t b = 0; b < batch; ++b)
        EXPECT_LE(rel_error(hg.data() + b * d, hc.data() + b * d, d), hb) << "step " << step << " sequence " << b;
    }
    const auto lc = cpu.last_logits(), lg = gpu.last_logits();
    for (std::int64_t b = 0; b < batch; ++b) {
      const float* rc = lc.data() + b * V;
      const float* rg = lg.data() + b * V;
      EXPECT_LE(rel_error(rg, rc, V), lb) << "logits, step " << step << " sequence " << b;
      const auto i = static_cast<std::size_t>(b);
      if (tg[i] == tc[i]) {
        ++identical;
        continue;
      }
      // A different token is only acceptable where the CPU's own top-2 margin is within what
      // the measured logit differences can flip.
      float max_diff = 0;
      for (std::int64_t v = 0; v < V; ++v) max_diff = std::max(max_diff, std::fabs(rg[v] - rc[v]));
      const float m = margin(rc, V);
      EXPECT_LE(m, 2 * max_diff) << "step " << step << " sequence " << b << ": gpu token " << tg[i] << ", cpu " << tc[i]
                                 << " with margin " << m;
      ++explained_ties;
    }
  }
  std::printf("%lld of %lld greedy tokens identical, %lld near-ties within the logit error\n",
              static_cast<long long>(identical), static_cast<long long>(steps + 1) * batch,
              static_cast<long long>(explained_ties));
}

// Context splits of a decode attention on this device for the tiny preset at `capacity` keys
// (the CUDA backend picks them from the capacity, so a graph stays valid while the context grows).
int tiny_decode_splits(const ModelConfig& c, std::int64_t batch, std::int64_t capacity) {
  int device = 0, sms = 0;
  if (cudaGetDevice(&device) != cudaSuccess ||
      cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device) != cudaSuccess)
    return 0;
  gpu::AttnGlobalArgs a;
  a.seqs = batch;
  a.heads = static_cast<int>(c.heads);
  a.kv_heads = static_cast<int>(c.kv_heads);
  a.head_dim = static_cast<int>(c.head_dim);
  return gpu::attn_global_splits(a, capacity, sms);
}

class EveryVariant : public testing::TestWithParam<Case> {};

TEST_P(EveryVariant, GreedyTokensAndHiddenStatesMatchCpu) {
  expect_matches_cpu(tiny(GetParam()), {kBatch, kPrompt + kSteps, kPrompt}, kSteps);
}

// A capacity of 160 keys gives the decode attention several context splits (partials merged by
// a second kernel), a path the short sessions above never take.
TEST_P(EveryVariant, SplitDecodeAttentionMatchesCpu) {
  const ModelConfig c = tiny(GetParam());
  const std::int64_t capacity = 160;
  ASSERT_GT(tiny_decode_splits(c, kBatch, capacity), 1) << "the case does not split the attention";
  expect_matches_cpu(c, {kBatch, capacity, kPrompt}, 48);
}

TEST_P(EveryVariant, DeviceKvBytesEqualTheFormula) {
  const ModelConfig c = tiny(GetParam());
  const Weights w = random_weights(c, 7);
  for (std::int64_t batch : {1, 3})
    for (std::int64_t n : {3, 4, 40}) {  // below, at and above the window (4)
      CudaBackend gpu;
      Session s(c, w, gpu, {batch, n, std::min<std::int64_t>(n, 3)});
      EXPECT_EQ(s.kv_bytes_allocated(), kv_bytes_formula(c, batch, n, 2)) << "batch " << batch << " n " << n;
    }
}

INSTANTIATE_TEST_SUITE_P(Tiny, EveryVariant, testing::ValuesIn(all_cases()), case_name);

// Replaying the captured decode graph gives exactly what launching every op does.
// At capacity 24 the attention runs whole; at 200 in context splits merged by a second kernel.
TEST(DecodeGraph, ReplayEqualsEagerBitForBit) {
  for (const std::int64_t capacity : {4 + 20, 200})
    for (Variant v : kAllVariants) {
      ModelConfig c = load_model("tiny");
      c.variant = v;
      const Weights w = random_weights(c, 9);
      if (capacity > 128) {
        ASSERT_GT(tiny_decode_splits(c, 3, capacity), 1) << "the case does not split the attention";
      }
      CudaBackend eager({0, GraphMode::off}), graphed({0, GraphMode::decode});
      const SessionOptions opt{3, capacity, 4};
      Session se(c, w, eager, opt), sg(c, w, graphed, opt);
      const auto prompts = random_prompts(4, 3, 4, c.vocab);
      for (int round = 0; round < 2; ++round) {  // the second round reuses the graph after reset()
        auto te = se.prefill(prompts);
        auto tg = sg.prefill(prompts);
        ASSERT_EQ(te, tg) << to_string(v);
        for (int step = 0; step < 19; ++step) {
          te = se.decode(te);
          tg = sg.decode(tg);
          ASSERT_EQ(te, tg) << to_string(v) << " step " << step;
          ASSERT_EQ(eager.final_hidden(), graphed.final_hidden()) << to_string(v) << " step " << step;
        }
        ASSERT_EQ(eager.last_logits(), graphed.last_logits()) << to_string(v);
        se.reset();
        sg.reset();
      }
      EXPECT_EQ(eager.graph_replays(), 0) << to_string(v);
      EXPECT_GE(graphed.graph_replays(), 2 * 19 - 2) << to_string(v);  // all but the eager and the capture step
    }
}

// A batch of identical prompts gives identical rows: no row of the batch leaks into another.
TEST(Batching, IdenticalPromptsGiveIdenticalRows) {
  ModelConfig c = load_model("tiny");
  const Weights w = random_weights(c, 5);
  CudaBackend gpu;
  Session s(c, w, gpu, {4, 16, 5});
  auto one = random_prompts(8, 1, 5, c.vocab);
  std::vector<std::int32_t> prompts;
  for (int b = 0; b < 4; ++b) prompts.insert(prompts.end(), one.begin(), one.end());
  auto t = s.prefill(prompts);
  for (int step = 0; step < 8; ++step) {
    for (int b = 1; b < 4; ++b) EXPECT_EQ(t[static_cast<std::size_t>(b)], t[0]) << "step " << step;
    const auto h = gpu.final_hidden();
    for (int b = 1; b < 4; ++b)
      EXPECT_TRUE(std::equal(h.begin(), h.begin() + c.hidden, h.begin() + b * c.hidden)) << "step " << step;
    t = s.decode(t);
  }
}

}  // namespace
