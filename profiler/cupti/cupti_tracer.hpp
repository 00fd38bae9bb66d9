// CuptiTracer: the CUPTI Activity API around the CUDA backend. Records kernels (concurrent),
// memcpy, memset, runtime API calls, synchronization, external correlations, NVTX markers and
// CUPTI's overhead; pushes each plan op as an external correlation id; keeps host spans too.
// Activity buffers come from a pool filled before the measured window; end_window() forces a
// flush (after a device sync), reads the dropped-record count, attributes kernels to plan ops
// (a CUDA graph replay's kernels through the graph nodes each op created under stream capture)
// and counts the attributions lost (Capture::lost_attributions). Only one CuptiTracer can exist
// at a time; CUPTI's clock, buffer and resource callbacks are process-wide and registered once,
// by the first tracer, and the state they reach is never destroyed.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "profiler/host_tracer.hpp"
#include "profiler/tracer.hpp"

namespace looplab::profiler {

class CuptiTracer final : public Tracer {
 public:
  // Subscribes to CUPTI. On failure (no GPU, no permission, an old driver, another tracer
  // active) returns null and says why in `why_not`; nothing is left enabled.
  static std::unique_ptr<CuptiTracer> create(std::string& why_not);
  ~CuptiTracer() override;
  CuptiTracer(const CuptiTracer&) = delete;
  CuptiTracer& operator=(const CuptiTracer&) = delete;

  TracerKind kind() const override { return TracerKind::cupti; }
  // Turns CUPTI's activity collection off and on again between windows, for A/B measurements of
  // its overhead in one process. Returns false when CUPTI refused.
  bool set_collecting(bool on);
  void begin_window(std::size_t max_steps, std::size_t max_ops) override;
  Capture end_window() override;

  void on_step_begin(const StepPlan& plan, std::int64_t step_index) override;
  void on_op_begin(const OpDesc& op, std::size_t op_index) override;
  void on_op_end(const OpDesc& op, std::size_t op_index) override;
  void on_step_end(const StepPlan& plan, std::int64_t step_index) override;

 private:
  CuptiTracer() = default;
  HostTracer host_;
  std::int64_t step_ = 0;
  // Ops of this window whose external correlation push CUPTI refused (Capture::lost_attributions).
  std::vector<OpRef> failed_pushes_;
};

}  // namespace looplab::profiler
