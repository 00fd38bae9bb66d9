// The hook a Session calls around every step and every plan op it executes. The profiler's
// tracers implement it (host spans, NVTX ranges, CUPTI external correlation ids); the engine
// knows nothing about them. op_index is the op's index in StepPlan::ops (the store's op id).
#pragma once
#include <cstddef>
#include <cstdint>

#include "engine/core/plan.hpp"

namespace looplab {

class StepObserver {
 public:
  virtual ~StepObserver() = default;
  virtual void on_step_begin(const StepPlan& /*plan*/, std::int64_t /*step_index*/) {}
  virtual void on_op_begin(const OpDesc& /*op*/, std::size_t /*op_index*/) {}
  virtual void on_op_end(const OpDesc& /*op*/, std::size_t /*op_index*/) {}
  virtual void on_step_end(const StepPlan& /*plan*/, std::int64_t /*step_index*/) {}
};

}  // namespace looplab
