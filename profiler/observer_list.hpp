// Several StepObservers behind the one pointer a Session takes (tracer + NVTX ranges), called in
// order on begin and in reverse order on end so their ranges nest.
#pragma once
#include <vector>

#include "engine/core/observer.hpp"

namespace looplab::profiler {

class ObserverList final : public StepObserver {
 public:
  void add(StepObserver* o) {
    if (o) list_.push_back(o);
  }
  void on_step_begin(const StepPlan& p, std::int64_t s) override {
    for (auto* o : list_) o->on_step_begin(p, s);
  }
  void on_op_begin(const OpDesc& op, std::size_t i) override {
    for (auto* o : list_) o->on_op_begin(op, i);
  }
  void on_op_end(const OpDesc& op, std::size_t i) override {
    for (auto it = list_.rbegin(); it != list_.rend(); ++it) (*it)->on_op_end(op, i);
  }
  void on_step_end(const StepPlan& p, std::int64_t s) override {
    for (auto it = list_.rbegin(); it != list_.rend(); ++it) (*it)->on_step_end(p, s);
  }

 private:
  std::vector<StepObserver*> list_;
};

}  // namespace looplab::profiler
