// HostTracer: the steady clock around each step and op.
#include "profiler/host_tracer.hpp"

#include <chrono>

namespace looplab::profiler {

std::string_view to_string(TracerKind k) { return k == TracerKind::cupti ? "cupti" : "host"; }

std::int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void HostTracer::begin_window(std::size_t max_steps, std::size_t max_ops) {
  active_ = true;
  steps_.clear();
  ops_.clear();
  steps_.reserve(max_steps);
  ops_.reserve(max_ops);
}

Capture HostTracer::end_window() {
  active_ = false;
  Capture c;
  c.steps = std::move(steps_);
  c.ops = std::move(ops_);
  steps_ = {};
  ops_ = {};
  return c;
}

void HostTracer::on_step_begin(const StepPlan& plan, std::int64_t /*step_index*/) {
  if (!active_) return;  // outside a window (warm-up) nothing is kept: memory stays flat
  StepSpan s;
  s.step = static_cast<std::int64_t>(steps_.size());
  s.phase = plan.shape.phase;
  s.batch = plan.shape.batch;
  s.context_len = plan.shape.context_len;
  s.start_ns = steady_now_ns();
  steps_.push_back(s);
  last_end_ns_ = -1;
}

void HostTracer::on_op_begin(const OpDesc& /*op*/, std::size_t /*op_index*/) {
  if (!active_) return;
  op_start_ns_ = last_end_ns_ >= 0 ? last_end_ns_ : steady_now_ns();
}

void HostTracer::on_op_end(const OpDesc& op, std::size_t op_index) {
  if (!active_) return;
  std::int64_t end = steady_now_ns();
  last_end_ns_ = end;
  std::int64_t step = steps_.empty() ? 0 : steps_.back().step;
  ops_.push_back({step, static_cast<std::uint32_t>(op_index), op, op_start_ns_, end});
}

void HostTracer::on_step_end(const StepPlan& /*plan*/, std::int64_t /*step_index*/) {
  if (!active_) return;
  if (!steps_.empty()) steps_.back().end_ns = steady_now_ns();
  last_end_ns_ = -1;
}

}  // namespace looplab::profiler
