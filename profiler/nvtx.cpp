// NVTX3 (header-only) ranges and the step > loop > layer > op nesting of NvtxTracer.
#include "profiler/nvtx.hpp"

#include <algorithm>

#include "engine/core/plan.hpp"

#if LOOPLAB_HAVE_NVTX
#include <nvtx3/nvToolsExt.h>
#endif

namespace looplab::profiler {

namespace {

#if LOOPLAB_HAVE_NVTX
class NvtxDomainSink final : public RangeSink {
 public:
  NvtxDomainSink() : domain_(nvtxDomainCreateA("looplab")) {}
  void push(const std::string& name) override {
    nvtxEventAttributes_t a{};
    a.version = NVTX_VERSION;
    a.size = NVTX_EVENT_ATTRIB_STRUCT_SIZE;
    a.messageType = NVTX_MESSAGE_TYPE_ASCII;
    a.message.ascii = name.c_str();
    nvtxDomainRangePushEx(domain_, &a);
  }
  void pop() override { nvtxDomainRangePop(domain_); }

 private:
  nvtxDomainHandle_t domain_;
};
#else
class NvtxDomainSink final : public RangeSink {
 public:
  void push(const std::string&) override {}
  void pop() override {}
};
#endif

std::string loops_name(std::int32_t lo, std::int32_t hi) {
  return lo == hi ? "loop" + std::to_string(lo) : "loops" + std::to_string(lo) + "-" + std::to_string(hi);
}

}  // namespace

bool nvtx_compiled_in() { return LOOPLAB_HAVE_NVTX != 0; }

RangeSink& nvtx_sink() {
  static NvtxDomainSink sink;
  return sink;
}

void NvtxTracer::on_step_begin(const StepPlan& plan, std::int64_t step_index) {
  // Op names depend on the plan's structure, not on the context length, so decode steps of one
  // session reuse them.
  std::uint64_t key = (static_cast<std::uint64_t>(plan.shape.phase) << 56) ^
                      (static_cast<std::uint64_t>(plan.variant) << 48) ^
                      (static_cast<std::uint64_t>(plan.passes) << 32) ^ static_cast<std::uint64_t>(plan.ops.size()) ^
                      (static_cast<std::uint64_t>(plan.shape.batch) << 20);
  if (key != names_key_) {
    names_key_ = key;
    op_names_.clear();
    for (const OpDesc& op : plan.ops) op_names_.push_back(op_name(op));
    pass_names_.assign(static_cast<std::size_t>(std::max(plan.passes, 1)), std::string());
    std::vector<std::pair<std::int32_t, std::int32_t>> span(pass_names_.size(), {1 << 30, 0});
    for (const OpDesc& op : plan.ops) {
      if (op.layer < 0 || op.pass < 0 || static_cast<std::size_t>(op.pass) >= span.size()) continue;
      auto& s = span[static_cast<std::size_t>(op.pass)];
      s.first = std::min(s.first, op.loop_lo);
      s.second = std::max(s.second, op.loop_hi);
    }
    for (std::size_t p = 0; p < span.size(); ++p)
      pass_names_[p] = span[p].second > 0 ? loops_name(span[p].first, span[p].second) : "pass" + std::to_string(p);
  }
  sink_->push(std::string(to_string(plan.shape.phase)) + " step " + std::to_string(step_index));
  step_open_ = true;
}

void NvtxTracer::close_layer() {
  if (open_layer_ >= 0) sink_->pop();
  open_layer_ = -1;
}

void NvtxTracer::close_pass() {
  close_layer();
  if (open_pass_ >= 0) sink_->pop();
  open_pass_ = -1;
}

void NvtxTracer::on_op_begin(const OpDesc& op, std::size_t op_index) {
  if (op.layer < 0) {
    close_pass();
  } else {
    if (op.pass != open_pass_) {
      close_pass();
      open_pass_ = op.pass;
      sink_->push(static_cast<std::size_t>(op.pass) < pass_names_.size()
                      ? pass_names_[static_cast<std::size_t>(op.pass)]
                      : "pass" + std::to_string(op.pass));
    }
    if (op.layer != open_layer_) {
      close_layer();
      open_layer_ = op.layer;
      sink_->push("layer" + std::to_string(op.layer));
    }
  }
  sink_->push(op_index < op_names_.size() ? op_names_[op_index] : op_name(op));
}

void NvtxTracer::on_op_end(const OpDesc& /*op*/, std::size_t /*op_index*/) { sink_->pop(); }

void NvtxTracer::on_step_end(const StepPlan& /*plan*/, std::int64_t /*step_index*/) {
  close_pass();
  if (step_open_) sink_->pop();
  step_open_ = false;
}

}  // namespace looplab::profiler
