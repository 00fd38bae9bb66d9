// Session: step shapes, input checks, the op-by-op execution of a StepPlan, timing.
#include "engine/runtime/session.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "engine/core/error.hpp"
#include "engine/core/plan.hpp"

namespace looplab {
namespace {

SessionOptions checked(const ModelConfig& c, SessionOptions o) {
  validate(c);
  if (o.batch < 1) throw InputError("batch", std::to_string(o.batch) + " must be >= 1");
  if (o.max_context < 1) throw InputError("max_context", std::to_string(o.max_context) + " must be >= 1");
  if (o.max_prompt == 0) o.max_prompt = o.max_context;
  if (o.max_prompt < 1 || o.max_prompt > o.max_context)
    throw InputError("max_prompt", std::to_string(o.max_prompt) + " must be in [1, max_context]");
  return o;
}

}  // namespace

Session::Session(const ModelConfig& config, const Weights& weights, Backend& backend, const SessionOptions& options)
    : config_(config),
      options_(checked(config, options)),
      backend_(backend),
      kv_(config, options_.batch, options_.max_context, backend.kv_bytes_per_element()) {
  check_weights(config_, weights);
  // The widest step: a prefill of B*P rows, or a cross-loop decode pass of B*L rows.
  const std::int64_t max_rows = options_.batch * std::max(options_.max_prompt, config_.effective_loops());
  backend_.prepare(config_, weights, kv_.layout(), max_rows);
}

void Session::check_tokens(std::span<const std::int32_t> tokens, const char* field) const {
  for (std::size_t i = 0; i < tokens.size(); ++i)
    if (tokens[i] < 0 || tokens[i] >= config_.vocab)
      throw InputError(field, "token " + std::to_string(tokens[i]) + " at index " + std::to_string(i) +
                                  " is outside the vocabulary [0, " + std::to_string(config_.vocab) + ")");
}

std::vector<std::int32_t> Session::prefill(std::span<const std::int32_t> prompts) {
  const std::int64_t B = options_.batch;
  if (kv_.length() != 0) throw InputError("prefill", "the sequences have started already; reset() first");
  if (prompts.empty() || static_cast<std::int64_t>(prompts.size()) % B != 0)
    throw InputError("prompts", std::to_string(prompts.size()) + " ids do not split into " + std::to_string(B) +
                                    " equal non-empty prompts");
  const auto P = static_cast<std::int64_t>(prompts.size()) / B;
  if (P > options_.max_prompt)
    throw InputError("prompt_len", std::to_string(P) + " exceeds max_prompt " + std::to_string(options_.max_prompt));
  check_tokens(prompts, "prompts");
  kv_.check_room(P);
  auto out = run_step({Phase::prefill, B, P}, prompts);
  kv_.advance(P);
  return out;
}

std::vector<std::int32_t> Session::decode(std::span<const std::int32_t> tokens) {
  const std::int64_t B = options_.batch;
  if (kv_.length() == 0) throw InputError("decode", "prefill the prompts first");
  if (static_cast<std::int64_t>(tokens.size()) != B)
    throw InputError("tokens", std::to_string(tokens.size()) + " ids for a batch of " + std::to_string(B));
  check_tokens(tokens, "tokens");
  kv_.check_room(1);
  auto out = run_step({Phase::decode, B, kv_.length() + 1}, tokens);
  kv_.advance(1);
  return out;
}

void Session::reset() {
  kv_.reset();
  backend_.reset_sequences();
}

std::vector<std::int32_t> Session::run_step(const StepShape& shape, std::span<const std::int32_t> tokens) {
  const auto t0 = std::chrono::steady_clock::now();
  const StepPlan plan = plan_step(config_, shape);
  for (const OpDesc& op : plan.ops)
    if (!backend_.supports_op(op))
      throw std::runtime_error(std::string(backend_.name()) + " backend does not support " + describe(op));
  if (observer_) observer_->on_step_begin(plan, step_index_);
  backend_.begin_step({&plan, tokens, kv_.length()});
  for (std::size_t i = 0; i < plan.ops.size(); ++i) {
    if (observer_) observer_->on_op_begin(plan.ops[i], i);
    backend_.run_op(plan.ops[i]);
    if (observer_) observer_->on_op_end(plan.ops[i], i);
  }
  backend_.end_step();
  if (observer_) observer_->on_step_end(plan, step_index_);
  ++step_index_;
  auto out = backend_.sampled_tokens();
  last_step_time_s_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace looplab
