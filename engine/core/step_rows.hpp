// What every backend derives from a StepIO at begin_step: the phase, rows and row layout of the
// step, after checking it against what was prepared. One definition so backends cannot disagree.
#pragma once
#include <cstdint>

#include "engine/core/backend.hpp"

namespace looplab {

struct StepRows {
  Phase phase = Phase::decode;
  std::int64_t prompt_len = 1;  // rows per sequence: P in a prefill, 1 in a decode step
  std::int64_t rows = 0;        // token rows of the step: B*P or B
  bool multi_loop = false;      // a cross-loop decode pass: B*L activation rows, loop-major
};

// Throws std::invalid_argument for a step that contradicts the prepared batch or KV capacity
// (a caller bug), InputError("tokens") for an id outside [0, vocab).
StepRows check_step(const StepIO& io, std::int64_t batch, std::int64_t capacity_tokens, std::int64_t vocab);

}  // namespace looplab
