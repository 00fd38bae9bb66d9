// An independent, plainly written reference of the models in their full-sequence form
// (docs/model.md, "The five variants"), in double precision, for one sequence at a time. It
// shares nothing with the engine but the config and the weights: its own norm, RoPE, attention
// and matmuls.
#pragma once
#include <cstdint>
#include <vector>

#include "engine/core/backend.hpp"
#include "engine/core/config.hpp"
#include "engine/core/weights.hpp"

namespace looplab::ref {

using Mat = std::vector<std::vector<double>>;  // rows of a (n, width) matrix

// Which keys a loop's attention reads (the table of docs/model.md, "The five variants").
enum class AttnMode : std::uint8_t {
  own,     // causal over this pass's own K/V (vanilla, looped, clp, every loop 1)
  shared,  // causal over loop 1's K/V (clp_share loops >= 2)
  gated,   // plt loops >= 2: gate * window over own K/V + (1 - gate) * causal over loop 1's K/V
};

// Post-RoPE keys and values of every layer of one pass: kv[layer] = {K (n, Hkv*dh), V}.
struct PassKv {
  std::vector<Mat> k, v;
};

struct StackResult {
  Mat h;      // (n, d): output of the last layer
  PassKv kv;  // this pass's own K/V (meaningful where the pass computed them)
};

// One pass of the shared stack over the n rows of x (positions 0..n-1). `loop1` holds loop 1's
// K/V for the shared and gated modes.
StackResult stack(const ModelConfig& c, const Weights& w, const Mat& x, AttnMode mode, const PassKv* loop1 = nullptr,
                  GateOverride gate = GateOverride::none);

Mat embed(const ModelConfig& c, const Weights& w, const std::vector<std::int32_t>& tokens);

struct Forward {
  Mat hidden;                  // (n, d): H(L), the final loop's output, before the final norm
  std::vector<double> logits;  // (vocab) of the last position
};

// The whole model in its full-sequence form for the config's variant and loops.
Forward forward(const ModelConfig& c, const Weights& w, const std::vector<std::int32_t>& tokens,
                GateOverride gate = GateOverride::none);

}  // namespace looplab::ref
