// Shared helpers of the engine tests: configs, a teacher-forced session run, error measures.
#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/backend.hpp"
#include "engine/core/config.hpp"
#include "engine/core/error.hpp"
#include "engine/core/weights.hpp"

namespace looplab::test {

// The tiny preset (2 layers, d 64, 4 heads / 2 KV heads, window 4) as `variant` with L loops.
ModelConfig tiny(Variant variant, std::int64_t loops);

// B sequences of n pseudo-random tokens, b-major.
std::vector<std::int32_t> sequences(std::uint64_t seed, std::int64_t batch, std::int64_t n, std::int64_t vocab);

struct ForcedRun {
  std::vector<float> hidden;          // (B, n, d): H(L) of every position
  std::vector<float> logits;          // (B, vocab) of the last position
  std::vector<std::int32_t> sampled;  // (B, n - P + 1): the greedy token after each step
};

// Runs the engine (CpuBackend + Session) over the given sequences: prefill of the first P tokens,
// then each remaining token fed by decode() (teacher forcing), recording every hidden state.
ForcedRun run_forced(const ModelConfig& c, const Weights& w, const std::vector<std::int32_t>& seqs, std::int64_t batch,
                     std::int64_t prompt_len, GateOverride gate = GateOverride::none);

// ||a - b||_2 / ||b||_2 over one row of `width` values.
template <class A, class B>
double rel_error(const A* a, const B* b, std::int64_t width) {
  double num = 0, den = 0;
  for (std::int64_t i = 0; i < width; ++i) {
    const double d = static_cast<double>(a[i]) - static_cast<double>(b[i]);
    num += d * d;
    den += static_cast<double>(b[i]) * static_cast<double>(b[i]);
  }
  return std::sqrt(num / den);
}

// Largest row-wise relative error between two (rows, width) float arrays.
double max_rel_error(const std::vector<float>& a, const std::vector<float>& b, std::int64_t width);

// Runs f, expects an InputError, returns the field it named (or "<no error>").
template <class F>
std::string field_of(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.field();
  }
  return "<no error>";
}

}  // namespace looplab::test
