// WeightArena: every weight of a CpuBackend in one 2 MiB-aligned block, tensors back to back,
// advised for transparent huge pages (Linux). Why: with each tensor a separate allocation on
// scattered 4 KiB pages, which tensors collide in the last-level cache depends on the
// allocation, and two identical configurations in one process timed decode GEMMs of one shape
// up to 24% apart (within 8% with this block; docs/simulator.md). Where the kernel grants huge
// pages, the block also needs far fewer TLB entries.
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
