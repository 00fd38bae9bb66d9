// Types shared by the op launchers: the bf16 element and the description of where a K/V entry
// lives (full caches, ring buffers, a prefill pass's own K/V).
#pragma once
#include <cuda_bf16.h>

#include <cstdint>

namespace looplab::gpu {

using bf16 = __nv_bfloat16;

// Element offset of key (or value) t of sequence b, K/V set j, KV head g:
//   b*seq_stride + j*set_stride + g*head_stride + (t % wrap)*tok_stride
// A full cache (B, Hkv, slots, dh) has wrap = slots (>= every position it holds); a ring of w
// entries has wrap = w (position t lives in slot t % w); set_stride steps from the buffer of loop
// l to that of loop l+1 (0 when every loop reads the same set).
struct KvStrides {
  std::int64_t seq_stride = 0;
  std::int64_t set_stride = 0;
  std::int64_t head_stride = 0;
  std::int64_t tok_stride = 0;
  std::int64_t wrap = 0;
};

struct KvReadView {
  const bf16* k = nullptr;
  const bf16* v = nullptr;
  KvStrides at;
};

struct KvWriteView {
  bf16* k = nullptr;
  bf16* v = nullptr;
  KvStrides at;
};

// Launch bound of the attention kernels and of the per-op loop count.
inline constexpr int kMaxHeadDim = 256;

}  // namespace looplab::gpu
