// NVTX ranges in the "looplab" domain: an RAII NvtxRange, and NvtxTracer, a StepObserver that
// nests step > loop (pass) > layer > op ranges so Nsight Systems shows the plan. Compiled to
// nothing when LOOPLAB_HAVE_NVTX is 0 (LOOPLAB_ENABLE_NVTX=OFF, or no NVTX3 header).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/observer.hpp"

namespace looplab::profiler {

// True when this build emits NVTX ranges.
bool nvtx_compiled_in();

// Where NvtxTracer's ranges go: NVTX itself by default, a recorder in tests.
class RangeSink {
 public:
  virtual ~RangeSink() = default;
  virtual void push(const std::string& name) = 0;
  virtual void pop() = 0;
};
// Pushes to and pops from the NVTX domain "looplab", created once, at this function's first call;
// no-ops that call no NVTX function at all when NVTX is compiled out.
RangeSink& nvtx_sink();

// One NVTX push/pop range for a scope (pushed to `sink`, the NVTX domain unless a test says).
class NvtxRange {
 public:
  explicit NvtxRange(const std::string& name, RangeSink& sink = nvtx_sink()) : sink_(&sink) { sink_->push(name); }
  ~NvtxRange() { sink_->pop(); }
  NvtxRange(const NvtxRange&) = delete;
  NvtxRange& operator=(const NvtxRange&) = delete;

 private:
  RangeSink* sink_;
};

class NvtxTracer final : public StepObserver {
 public:
  explicit NvtxTracer(RangeSink& sink = nvtx_sink()) : sink_(&sink) {}

  void on_step_begin(const StepPlan& plan, std::int64_t step_index) override;
  void on_op_begin(const OpDesc& op, std::size_t op_index) override;
  void on_op_end(const OpDesc& op, std::size_t op_index) override;
  void on_step_end(const StepPlan& plan, std::int64_t step_index) override;

 private:
  void close_layer();
  void close_pass();
  RangeSink* sink_;
  // Names for the current plan, rebuilt only when the plan's structure changes.
  std::vector<std::string> op_names_, pass_names_;
  std::uint64_t names_key_ = ~0ull;
  std::int32_t open_pass_ = -1, open_layer_ = -1;
  bool step_open_ = false;
};

}  // namespace looplab::profiler
