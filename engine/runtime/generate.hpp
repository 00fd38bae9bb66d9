// Greedy generation on a Session: prefill, then new_tokens-1 decode steps, with the timings and
// (optionally) the final-loop hidden states of every position, for the CLI, the demo and tests.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "engine/runtime/session.hpp"

namespace looplab {

enum class Record : std::uint8_t { tokens, hidden_states };

struct Generation {
  std::int64_t batch = 0, prompt_len = 0, new_tokens = 0;
  std::vector<std::int32_t> prompts;    // (B, P)
  std::vector<std::int32_t> generated;  // (B, T): token t of sequence b at b*T + t
  double prefill_time_s = 0;
  std::vector<double> decode_time_s;  // T-1 decode steps
  // Record::hidden_states only: H(L) of every position fed to the model, (B, P+T-1, d), and
  // the logits of the last position, (B, vocab).
  std::vector<float> hidden;
  std::vector<float> last_logits;
  double median_decode_time_s() const;  // 0 when there were no decode steps
};

// The session must be fresh (length 0) and hold P+T-1 tokens. new_tokens >= 1.
Generation generate(Session& session, std::span<const std::int32_t> prompts, std::int64_t new_tokens,
                    Record record = Record::tokens);

// Deterministic pseudo-random prompts (B*P ids in [0, vocab)), the same on every machine.
std::vector<std::int32_t> random_prompts(std::uint64_t seed, std::int64_t batch, std::int64_t prompt_len,
                                         std::int64_t vocab);

}  // namespace looplab
