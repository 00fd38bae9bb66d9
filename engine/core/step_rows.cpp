// check_step: the StepIO validation and row derivation shared by the CPU and CUDA backends.
#include "engine/core/step_rows.hpp"

#include <stdexcept>
#include <string>

#include "engine/core/error.hpp"

namespace looplab {

StepRows check_step(const StepIO& io, std::int64_t batch, std::int64_t capacity_tokens, std::int64_t vocab) {
  if (io.plan == nullptr) throw std::invalid_argument("begin_step: no plan");
  const StepShape& s = io.plan->shape;
  if (s.batch != batch) throw std::invalid_argument("begin_step: plan batch differs from the prepared batch");
  StepRows r;
  r.phase = s.phase;
  if (r.phase == Phase::prefill) {
    if (io.position != 0) throw std::invalid_argument("begin_step: a prefill starts at position 0");
    r.prompt_len = s.context_len;
  } else if (s.context_len != io.position + 1) {
    throw std::invalid_argument("begin_step: decode context must be position + 1");
  }
  r.rows = batch * r.prompt_len;
  if (static_cast<std::int64_t>(io.tokens.size()) != r.rows)
    throw std::invalid_argument("begin_step: expected " + std::to_string(r.rows) + " tokens");
  if (io.position + r.prompt_len > capacity_tokens)
    throw std::invalid_argument("begin_step: position beyond the KV capacity");
  for (std::int32_t t : io.tokens)
    if (t < 0 || t >= vocab) throw InputError("tokens", "token " + std::to_string(t) + " is outside the vocabulary");
  r.multi_loop = r.phase == Phase::decode && is_cross_loop(io.plan->variant) && io.plan->loops > 1;
  return r;
}

}  // namespace looplab
