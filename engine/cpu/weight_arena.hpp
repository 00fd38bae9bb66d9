// WeightArena: every weight of a CpuBackend in one 2 MiB-aligned block, tensors back to back,
// advised for transparent huge pages (Linux). Why: separately allocated tensors land on scattered
// 4 KiB pages (or, huge-page aligned one by one, all start at cache set 0), so which of them
// collide in the last-level cache depends on the allocation, and decode GEMMs of one shape
// measured 10-25% apart between two identical configurations. One contiguous block spreads a
// model that fits in the cache evenly over its sets, the same way every run, and needs 512x fewer
// TLB entries.
#pragma once
#include <cstddef>
#include <memory>
#include <span>

namespace looplab::cpu {

// Unmaps (frees) an arena block of `bytes`.
struct ArenaFree {
  std::size_t bytes = 0;
  void operator()(float* p) const;
};

class WeightArena {
 public:
  // Reserves `floats` floats (zeroed); take() hands them out in order.
  void reset(std::size_t floats);
  // The next n floats. Throws std::logic_error past the reserved size.
  std::span<float> take(std::size_t n);
  std::size_t capacity() const { return capacity_; }
  std::size_t used() const { return used_; }
  const float* data() const { return block_.get(); }

 private:
  std::unique_ptr<float, ArenaFree> block_;
  std::size_t capacity_ = 0, used_ = 0;
};

}  // namespace looplab::cpu
