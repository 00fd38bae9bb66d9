// Engine test helpers.
#include "tests/engine/helpers.hpp"

#include <algorithm>
#include <span>

#include "engine/cpu/cpu_backend.hpp"
#include "engine/runtime/generate.hpp"
#include "engine/runtime/session.hpp"

namespace looplab::test {

ModelConfig tiny(Variant variant, std::int64_t loops) {
  ModelConfig c = load_model("tiny");
  c.variant = variant;
  c.loops = loops;
  return c;
}

std::vector<std::int32_t> sequences(std::uint64_t seed, std::int64_t batch, std::int64_t n, std::int64_t vocab) {
  return random_prompts(seed, batch, n, vocab);
}

ForcedRun run_forced(const ModelConfig& c, const Weights& w, const std::vector<std::int32_t>& seqs, std::int64_t batch,
                     std::int64_t prompt_len, GateOverride gate) {
  const auto n = static_cast<std::int64_t>(seqs.size()) / batch;
  const std::int64_t d = c.hidden, P = prompt_len;
  CpuBackend backend;
  Session s(c, w, backend, {batch, n, P});
  backend.set_gate_override(gate);
  ForcedRun out;
  out.hidden.assign(static_cast<std::size_t>(batch * n * d), 0.0f);

  std::vector<std::int32_t> prompts;
  for (std::int64_t b = 0; b < batch; ++b)
    prompts.insert(prompts.end(), seqs.begin() + b * n, seqs.begin() + b * n + P);
  auto next = s.prefill(prompts);
  out.sampled.insert(out.sampled.end(), next.begin(), next.end());
  auto h = backend.final_hidden();
  for (std::int64_t b = 0; b < batch; ++b) std::copy_n(h.begin() + b * P * d, P * d, out.hidden.begin() + b * n * d);
  for (std::int64_t p = P; p < n; ++p) {
    std::vector<std::int32_t> tok;
    for (std::int64_t b = 0; b < batch; ++b) tok.push_back(seqs[static_cast<std::size_t>(b * n + p)]);
    next = s.decode(tok);
    out.sampled.insert(out.sampled.end(), next.begin(), next.end());
    h = backend.final_hidden();
    for (std::int64_t b = 0; b < batch; ++b) std::copy_n(h.begin() + b * d, d, out.hidden.begin() + (b * n + p) * d);
  }
  out.logits = backend.last_logits();
  return out;
}

double max_rel_error(const std::vector<float>& a, const std::vector<float>& b, std::int64_t width) {
  double worst = 0;
  for (std::size_t r = 0; r + static_cast<std::size_t>(width) <= a.size(); r += static_cast<std::size_t>(width))
    worst = std::max(worst, rel_error(a.data() + r, b.data() + r, width));
  return worst;
}

}  // namespace looplab::test
