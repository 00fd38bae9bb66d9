// HostTracer: steady-clock spans around every step and every plan op. Ops of a step run back to
// back, so an op's span starts where the previous op's ended (the first op of a step reads the
// clock at its begin): the hot path is one clock read and one push into a reserved vector per op,
// and the few nanoseconds of the session's loop between two ops count to the next op.
#pragma once
#include <vector>

#include "profiler/tracer.hpp"

namespace looplab::profiler {

class HostTracer final : public Tracer {
 public:
  TracerKind kind() const override { return TracerKind::host; }
  void begin_window(std::size_t max_steps, std::size_t max_ops) override;
  Capture end_window() override;

  void on_step_begin(const StepPlan& plan, std::int64_t step_index) override;
  void on_op_begin(const OpDesc& op, std::size_t op_index) override;
  void on_op_end(const OpDesc& op, std::size_t op_index) override;
  void on_step_end(const StepPlan& plan, std::int64_t step_index) override;

  // The step number the next on_step_begin will get (0-based within the window).
  std::int64_t next_step() const { return static_cast<std::int64_t>(steps_.size()); }

 private:
  std::vector<StepSpan> steps_;
  std::vector<OpSpan> ops_;
  std::int64_t op_start_ns_ = 0;
  std::int64_t last_end_ns_ = -1;  // end of the previous op of this step, -1 before the first
  bool active_ = false;            // between begin_window and end_window
};

}  // namespace looplab::profiler
