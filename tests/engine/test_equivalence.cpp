// The engine against the math: (a) token-by-token decoding reproduces the full-sequence form,
// (b) L = 1 of every variant is vanilla, (c) looped is the stack applied L times, (d) the G-SWA
// invariants, (e) greedy output is deterministic for a seed.
#include <gtest/gtest.h>

#include "engine/cpu/cpu_backend.hpp"
#include "engine/runtime/generate.hpp"
#include "engine/runtime/session.hpp"
#include "tests/engine/helpers.hpp"
#include "tests/engine/reference.hpp"

using namespace looplab;
using namespace looplab::test;

namespace {

constexpr std::int64_t kBatch = 2;
constexpr std::int64_t kLen = 9;  // longer than the tiny window (4), so plt rings wrap

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
  for (Variant v : kAllVariants)
    for (std::int64_t L : {1, 2, 3}) out.push_back({v, L});
  return out;
}

// Compares a session run with the reference forward pass of each sequence.
void expect_matches_reference(const ModelConfig& c, const Weights& w, const std::vector<std::int32_t>& seqs,
                              std::int64_t prompt_len) {
  const ForcedRun run = run_forced(c, w, seqs, kBatch, prompt_len);
  const std::int64_t d = c.hidden;
  for (std::int64_t b = 0; b < kBatch; ++b) {
    std::vector<std::int32_t> one(seqs.begin() + b * kLen, seqs.begin() + (b + 1) * kLen);
    const ref::Forward f = ref::forward(c, w, one);
    for (std::int64_t p = 0; p < kLen; ++p) {
      const double err = rel_error(run.hidden.data() + (b * kLen + p) * d, f.hidden[p].data(), d);
      EXPECT_LE(err, 1e-4) << "sequence " << b << " position " << p << " (prompt " << prompt_len << ")";
    }
    EXPECT_LE(rel_error(run.logits.data() + b * c.vocab, f.logits.data(), c.vocab), 1e-4) << "logits, sequence " << b;
  }
}

class EveryVariant : public testing::TestWithParam<Case> {};

// (a) Prefill of P tokens then decoding the rest one by one gives the hidden states of the
// full-sequence form at every position: P = 1 is all decode, P = kLen is all prefill.
TEST_P(EveryVariant, DecodingReproducesFullSequenceForm) {
  const ModelConfig c = tiny(GetParam().variant, GetParam().loops);
  const Weights w = random_weights(c, 11);
  const auto seqs = sequences(5, kBatch, kLen, c.vocab);
  for (std::int64_t P : {std::int64_t{1}, std::int64_t{3}, kLen}) expect_matches_reference(c, w, seqs, P);
}

// (a) again with the options the tiny preset leaves off: qk-norm, tied embeddings, scaled
// re-injection, a non-zero gate bias.
TEST_P(EveryVariant, DecodingReproducesFullSequenceFormWithOptions) {
  ModelConfig c = tiny(GetParam().variant, GetParam().loops);
  c.qk_norm = true;
  c.tied_embeddings = true;
  c.reinject_e = 0.75;
  c.reinject_h = 0.5;
  c.gate_bias_init = -1.0;
  const Weights w = random_weights(c, 12);
  expect_matches_reference(c, w, sequences(6, kBatch, kLen, c.vocab), 4);
}

INSTANTIATE_TEST_SUITE_P(Engine, EveryVariant, testing::ValuesIn(all_cases()), case_name);

// (b) With L = 1 every variant is vanilla, bit for bit.
TEST(OneLoop, EveryVariantEqualsVanilla) {
  const ModelConfig v = tiny(Variant::vanilla, 1);
  const auto seqs = sequences(7, kBatch, kLen, v.vocab);
  const ForcedRun want = run_forced(v, random_weights(v, 13), seqs, kBatch, 3);
  for (Variant variant : kAllVariants) {
    const ModelConfig c = tiny(variant, 1);
    const ForcedRun got = run_forced(c, random_weights(c, 13), seqs, kBatch, 3);
    EXPECT_EQ(got.hidden, want.hidden) << to_string(variant);
    EXPECT_EQ(got.logits, want.logits) << to_string(variant);
    EXPECT_EQ(got.sampled, want.sampled) << to_string(variant);
  }
}

// (c) Looped = the stack applied L times, each loop over the previous loop's output and its own
// K/V, written out here step by step.
TEST(Looped, EqualsTheStackAppliedLTimes) {
  const auto seqs = sequences(8, kBatch, kLen, 97);
  for (std::int64_t L : {1, 2, 3}) {
    const ModelConfig c = tiny(Variant::looped, L);
    const Weights w = random_weights(c, 14);
    const ForcedRun run = run_forced(c, w, seqs, kBatch, 2);
    for (std::int64_t b = 0; b < kBatch; ++b) {
      const std::vector<std::int32_t> one(seqs.begin() + b * kLen, seqs.begin() + (b + 1) * kLen);
      const ref::Mat e = ref::embed(c, w, one);
      const ref::Mat h1 = ref::stack(c, w, e, ref::AttnMode::own).h;
      const ref::Mat h2 = ref::stack(c, w, h1, ref::AttnMode::own).h;
      const ref::Mat h3 = ref::stack(c, w, h2, ref::AttnMode::own).h;
      const ref::Mat& want = L == 1 ? h1 : L == 2 ? h2 : h3;
      for (std::int64_t p = 0; p < kLen; ++p)
        EXPECT_LE(rel_error(run.hidden.data() + (b * kLen + p) * c.hidden, want[p].data(), c.hidden), 1e-4)
            << "L " << L << " sequence " << b << " position " << p;
      if (L > 1) {  // and a second loop really changes the result
        EXPECT_GT(rel_error(run.hidden.data() + (b * kLen) * c.hidden, h1[0].data(), c.hidden), 1e-2);
      }
    }
  }
}

// (d) G-SWA invariants: the gate forced shut is clp_share; forced open with w >= n is clp.
TEST(GatedWindow, GateClosedEqualsClpShare) {
  for (std::int64_t L : {2, 3}) {
    const ModelConfig plt = tiny(Variant::plt, L), share = tiny(Variant::clp_share, L);
    const auto seqs = sequences(9, kBatch, kLen, plt.vocab);
    const ForcedRun a = run_forced(plt, random_weights(plt, 15), seqs, kBatch, 3, GateOverride::closed);
    const ForcedRun b = run_forced(share, random_weights(share, 15), seqs, kBatch, 3);
    EXPECT_LE(max_rel_error(a.hidden, b.hidden, plt.hidden), 1e-5) << "L " << L;
    EXPECT_EQ(a.sampled, b.sampled);
    // The model's own gate mixes in the window, so the invariant is not vacuous.
    const ForcedRun g = run_forced(plt, random_weights(plt, 15), seqs, kBatch, 3);
    EXPECT_GT(max_rel_error(g.hidden, b.hidden, plt.hidden), 1e-3) << "L " << L;
  }
}

TEST(GatedWindow, GateOpenWithWideWindowEqualsClp) {
  for (std::int64_t L : {2, 3}) {
    ModelConfig plt = tiny(Variant::plt, L);
    const ModelConfig clp = tiny(Variant::clp, L);
    const auto seqs = sequences(10, kBatch, kLen, plt.vocab);
    plt.window = kLen;  // w >= n
    const ForcedRun a = run_forced(plt, random_weights(plt, 16), seqs, kBatch, 3, GateOverride::open);
    const ForcedRun b = run_forced(clp, random_weights(clp, 16), seqs, kBatch, 3);
    EXPECT_LE(max_rel_error(a.hidden, b.hidden, plt.hidden), 1e-5) << "L " << L;
    EXPECT_EQ(a.sampled, b.sampled);
    // With a window shorter than the sequence the open gate sees fewer keys than clp.
    plt.window = 4;
    const ForcedRun narrow = run_forced(plt, random_weights(plt, 16), seqs, kBatch, 3, GateOverride::open);
    EXPECT_GT(max_rel_error(narrow.hidden, b.hidden, plt.hidden), 1e-3) << "L " << L;
  }
}

// (e) The same seed gives the same tokens (and the same bits); another seed other tokens.
TEST(Greedy, DeterministicForASeed) {
  const ModelConfig c = tiny(Variant::plt, 3);
  auto run = [&](std::uint64_t seed) {
    CpuBackend backend;
    Session s(c, random_weights(c, seed), backend, {2, 24, 8});
    return generate(s, random_prompts(seed, 2, 8, c.vocab), 16, Record::hidden_states);
  };
  const Generation a = run(1), b = run(1), other = run(2);
  EXPECT_EQ(a.generated, b.generated);
  EXPECT_EQ(a.hidden, b.hidden);
  EXPECT_NE(a.generated, other.generated);
  // Greedy means argmax of the logits: the last generated token is the argmax of last_logits.
  for (std::int64_t bi = 0; bi < 2; ++bi) {
    const float* l = a.last_logits.data() + bi * c.vocab;
    const auto best = std::max_element(l, l + c.vocab) - l;
    EXPECT_EQ(a.generated[static_cast<std::size_t>(bi * 16 + 15)], best);
  }
}

// Random weights keep the residual stream bounded over many loops for every variant.
TEST(RandomWeights, ActivationsStayBoundedOverEightLoops) {
  for (Variant v : kAllVariants) {
    ModelConfig c = tiny(v, 8);
    CpuBackend backend;
    Session s(c, random_weights(c, 3), backend, {2, 40, 16});
    const Generation g = generate(s, random_prompts(3, 2, 16, c.vocab), 24, Record::hidden_states);
    double ss = 0;
    for (float x : g.hidden) ss += static_cast<double>(x) * x;
    const double rms = std::sqrt(ss / static_cast<double>(g.hidden.size()));
    EXPECT_GT(rms, 0.5) << to_string(v);
    EXPECT_LT(rms, 8.0) << to_string(v);
  }
}

}  // namespace
