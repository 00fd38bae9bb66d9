// Session: B sequences of equal prompt length on one Backend. prefill() runs the prompts (the
// full-sequence form: L dependent passes), then each decode() runs one token per sequence. Every
// step executes plan_step() op by op, with an optional StepObserver around each op and step.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "engine/core/backend.hpp"
#include "engine/core/observer.hpp"
#include "engine/core/weights.hpp"
#include "engine/runtime/kv_manager.hpp"

namespace looplab {

struct SessionOptions {
  std::int64_t batch = 1;
  std::int64_t max_context = 256;  // tokens per sequence the KV buffers hold (prompt + generated)
  std::int64_t max_prompt = 0;     // longest prompt (sizes activations); 0 means max_context
};

class Session {
 public:
  // Validates config and weights (InputError naming the field or tensor) and prepares the
  // backend: KV buffers exactly kv_layout(config, batch, max_context, backend bytes/element).
  Session(const ModelConfig& config, const Weights& weights, Backend& backend, const SessionOptions& options);

  void set_observer(StepObserver* observer) { observer_ = observer; }

  // prompts: B*P token ids, b-major (sequence b's prompt is ids [b*P, (b+1)*P)). Fills the
  // caches, rings and saved states; returns the B greedy tokens after the last prompt position.
  std::vector<std::int32_t> prefill(std::span<const std::int32_t> prompts);
  // One token per sequence at position length(); returns the next B greedy tokens.
  std::vector<std::int32_t> decode(std::span<const std::int32_t> tokens);
  // Starts new sequences (same model, same buffers).
  void reset();

  std::int64_t length() const { return kv_.length(); }  // tokens cached per sequence
  std::int64_t batch() const { return options_.batch; }
  const ModelConfig& config() const { return config_; }
  const KvLayout& kv_layout() const { return kv_.layout(); }
  std::int64_t kv_bytes_allocated() const { return backend_.kv_bytes_allocated(); }
  Backend& backend() { return backend_; }
  // Wall time of the last step (plan, begin_step .. end_step, token readback), steady clock.
  double last_step_time_s() const { return last_step_time_s_; }
  std::int64_t steps() const { return step_index_; }

 private:
  std::vector<std::int32_t> run_step(const StepShape& shape, std::span<const std::int32_t> tokens);
  void check_tokens(std::span<const std::int32_t> tokens, const char* field) const;

  ModelConfig config_;
  SessionOptions options_;
  Backend& backend_;
  KvManager kv_;
  StepObserver* observer_ = nullptr;
  std::int64_t step_index_ = 0;
  double last_step_time_s_ = 0;
};

}  // namespace looplab
