// generate(): the prefill + decode loop, assembling tokens, timings and recorded states.
#include "engine/runtime/generate.hpp"

#include <algorithm>

#include "engine/core/error.hpp"
#include "lab/stats.hpp"

namespace looplab {

double Generation::median_decode_time_s() const { return stats::median(decode_time_s); }

Generation generate(Session& session, std::span<const std::int32_t> prompts, std::int64_t new_tokens, Record record) {
  if (new_tokens < 1) throw InputError("new_tokens", std::to_string(new_tokens) + " must be >= 1");
  const std::int64_t B = session.batch();
  Generation g;
  g.batch = B;
  g.prompt_len = static_cast<std::int64_t>(prompts.size()) / B;
  g.new_tokens = new_tokens;
  g.prompts.assign(prompts.begin(), prompts.end());
  const std::int64_t P = g.prompt_len, T = new_tokens, d = session.config().hidden;
  const std::int64_t fed = P + T - 1;  // the last generated token is never fed back
  if (fed > session.kv_layout().capacity_tokens)
    throw InputError("max_context", std::to_string(fed) + " positions (prompt + new tokens - 1) exceed " +
                                        std::to_string(session.kv_layout().capacity_tokens));
  g.generated.assign(static_cast<std::size_t>(B * T), 0);
  if (record == Record::hidden_states) g.hidden.assign(static_cast<std::size_t>(B * fed * d), 0.0f);

  auto keep_hidden = [&](std::int64_t first_pos, std::int64_t count) {
    if (record != Record::hidden_states) return;
    const std::vector<float> h = session.backend().final_hidden();  // (B*count, d), b-major
    for (std::int64_t b = 0; b < B; ++b)
      std::copy_n(h.begin() + b * count * d, count * d, g.hidden.begin() + (b * fed + first_pos) * d);
  };

  std::vector<std::int32_t> next = session.prefill(prompts);
  g.prefill_time_s = session.last_step_time_s();
  keep_hidden(0, P);
  for (std::int64_t t = 0;; ++t) {
    for (std::int64_t b = 0; b < B; ++b)
      g.generated[static_cast<std::size_t>(b * T + t)] = next[static_cast<std::size_t>(b)];
    if (t + 1 == T) break;
    next = session.decode(next);
    g.decode_time_s.push_back(session.last_step_time_s());
    keep_hidden(P + t, 1);
  }
  if (record == Record::hidden_states) g.last_logits = session.backend().last_logits();
  return g;
}

std::vector<std::int32_t> random_prompts(std::uint64_t seed, std::int64_t batch, std::int64_t prompt_len,
                                         std::int64_t vocab) {
  if (batch < 1) throw InputError("batch", std::to_string(batch) + " must be >= 1");
  if (prompt_len < 1) throw InputError("prompt_len", std::to_string(prompt_len) + " must be >= 1");
  std::vector<std::int32_t> ids(static_cast<std::size_t>(batch * prompt_len));
  std::uint64_t s = seed ^ 0x70726F6D70747321ull;  // a stream distinct from the weights' streams
  for (auto& id : ids) {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);  // splitmix64
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    id = static_cast<std::int32_t>(z % static_cast<std::uint64_t>(vocab));
  }
  return ids;
}

}  // namespace looplab
