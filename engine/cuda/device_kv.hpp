// The KV buffers of a KvLayout on the device, in bf16: one allocation of exactly
// layout.total_bytes(), carved into the layout's buffers in order (loop 1 first, then loops
// 2..L back to back, so loop l+1's buffer is a fixed stride after loop l's). Each buffer is
// [layer][K, V][sequence][KV head][slot][dh]; a full cache has capacity slots, a plt ring
// min(capacity, w), position t living in slot t % slots.
#pragma once
#include <cstdint>
#include <vector>

#include "engine/core/config.hpp"
#include "engine/core/kv.hpp"
#include "engine/cuda/buffer.hpp"
#include "engine/cuda/ops/types.hpp"

namespace looplab::gpu {

class DeviceKv {
 public:
  DeviceKv() = default;
  DeviceKv(const ModelConfig& c, const KvLayout& layout);  // layout.bytes_per_element must be 2

  std::int64_t bytes_allocated() const { return static_cast<std::int64_t>(arena_.bytes()); }
  bool has_loop(std::int32_t loop) const;
  // K/V of `layer` for `loop`; set_stride steps to loop+1's buffer (same kind and size).
  KvReadView read_view(std::int32_t loop, std::int64_t layer) const;
  KvWriteView write_view(std::int32_t loop, std::int64_t layer) const;

 private:
  struct Slice {
    std::int64_t offset_elems = 0;  // into the arena
    std::int64_t slots = 0;
    std::int64_t elems = 0;  // of the whole buffer
  };
  KvStrides strides(const Slice& s) const;
  const Slice& slice(std::int32_t loop) const;
  bf16* base(const Slice& s, std::int64_t layer) const;

  DeviceBuffer arena_;
  std::vector<Slice> slices_;  // index: loop - 1 (empty slots == 0 where a loop has none)
  std::int64_t batch_ = 0, kv_heads_ = 0, head_dim_ = 0;
};

}  // namespace looplab::gpu
