// DeviceKv: one arena, sliced per loop exactly as the KvLayout says.
#include "engine/cuda/device_kv.hpp"

#include <stdexcept>
#include <string>

#include "engine/cuda/check.hpp"

namespace looplab::gpu {

DeviceKv::DeviceKv(const ModelConfig& c, const KvLayout& layout)
    : batch_(layout.batch), kv_heads_(c.kv_heads), head_dim_(c.head_dim) {
  if (layout.bytes_per_element != 2)
    throw std::invalid_argument("the cuda backend stores bf16 KV: the layout must use 2 bytes per element");
  const auto loops = static_cast<std::size_t>(c.effective_loops());
  slices_.assign(loops, Slice{});
  std::int64_t offset = 0;
  std::int32_t expected_loop = 1;
  for (const KvBuffer& b : layout.buffers) {
    if (b.loop != expected_loop)
      throw std::invalid_argument("KV layout buffers must be loop 1, 2, ... in order (got loop " +
                                  std::to_string(b.loop) + ")");
    ++expected_loop;
    const std::int64_t elems = b.bytes / 2;
    if (elems != 2 * c.layers * layout.batch * c.kv_heads * b.tokens * c.head_dim)
      throw std::invalid_argument("KV buffer of loop " + std::to_string(b.loop) + " has an unexpected size");
    slices_.at(static_cast<std::size_t>(b.loop - 1)) = {offset, b.tokens, elems};
    offset += elems;
  }
  arena_ = DeviceBuffer(static_cast<std::size_t>(layout.total_bytes()));
  // Never-written slots are never read (attention reads positions <= the current one), but a
  // defined start makes a stray read show up as zeros rather than as old data.
  if (arena_.bytes() > 0) LOOPLAB_CUDA_CHECK(cudaMemset(arena_.get(), 0, arena_.bytes()));
}

bool DeviceKv::has_loop(std::int32_t loop) const {
  return loop >= 1 && static_cast<std::size_t>(loop) <= slices_.size() &&
         slices_[static_cast<std::size_t>(loop - 1)].slots > 0;
}

const DeviceKv::Slice& DeviceKv::slice(std::int32_t loop) const {
  if (!has_loop(loop)) throw std::logic_error("no KV buffer for loop " + std::to_string(loop));
  return slices_[static_cast<std::size_t>(loop - 1)];
}

KvStrides DeviceKv::strides(const Slice& s) const {
  KvStrides st;
  st.tok_stride = head_dim_;
  st.head_stride = s.slots * head_dim_;
  st.seq_stride = kv_heads_ * s.slots * head_dim_;
  st.set_stride = s.elems;  // the next loop's buffer follows this one and has the same size
  st.wrap = s.slots;
  return st;
}

bf16* DeviceKv::base(const Slice& s, std::int64_t layer) const {
  return arena_.as<bf16>() + s.offset_elems + layer * 2 * batch_ * kv_heads_ * s.slots * head_dim_;
}

KvReadView DeviceKv::read_view(std::int32_t loop, std::int64_t layer) const {
  const Slice& s = slice(loop);
  bf16* k = base(s, layer);
  return {k, k + batch_ * kv_heads_ * s.slots * head_dim_, strides(s)};
}

KvWriteView DeviceKv::write_view(std::int32_t loop, std::int64_t layer) const {
  const Slice& s = slice(loop);
  bf16* k = base(s, layer);
  return {k, k + batch_ * kv_heads_ * s.slots * head_dim_, strides(s)};
}

}  // namespace looplab::gpu
