// rope_kv_append: one block per row, one warp per head (Hq query heads, then Hkv key heads, then
// Hkv value heads). The rotation angle pos * theta^(-2i/dh) is computed in double so long
// positions keep their precision, then applied in fp32.
#include "engine/cuda/check.hpp"
#include "engine/cuda/ops/device_common.cuh"
#include "engine/cuda/ops/rope_kv_append.hpp"

namespace looplab::gpu {
namespace {

constexpr int kWarps = 8;

// Rotates (and optionally RMS-normalises) one head of dh fp32 values held in `src`, writing
// bf16 to each non-null destination. One warp; lane handles pairs i = lane, lane+32, ...
__device__ void rotate_head(const float* src, int dh, const float* norm_w, float eps, int pos, double theta, bf16* dst0,
                            bf16* dst1) {
  const int lane = static_cast<int>(threadIdx.x) & 31;
  float scale = 1.0f;
  if (norm_w != nullptr) {
    float ss = 0.0f;
    for (int i = lane; i < dh; i += 32) ss += src[i] * src[i];
    ss = dev::warp_sum(ss);
    scale = rsqrtf(ss / static_cast<float>(dh) + eps);
  }
  const int half = dh / 2;
  for (int i = lane; i < half; i += 32) {
    float x1 = src[i] * scale;
    float x2 = src[i + half] * scale;
    if (norm_w != nullptr) {
      x1 *= norm_w[i];
      x2 *= norm_w[i + half];
    }
    const double inv_freq = pow(theta, -2.0 * static_cast<double>(i) / static_cast<double>(dh));
    double s = 0.0, c = 0.0;
    sincos(static_cast<double>(pos) * inv_freq, &s, &c);
    const float cf = static_cast<float>(c), sf = static_cast<float>(s);
    const bf16 o1 = dev::to_bf16(x1 * cf - x2 * sf);
    const bf16 o2 = dev::to_bf16(x2 * cf + x1 * sf);
    if (dst0 != nullptr) {
      dst0[i] = o1;
      dst0[i + half] = o2;
    }
    if (dst1 != nullptr) {
      dst1[i] = o1;
      dst1[i + half] = o2;
    }
  }
}

__device__ __forceinline__ std::int64_t kv_offset(const KvStrides& s, std::int64_t b, std::int64_t set, int g,
                                                  std::int64_t pos) {
  return b * s.seq_stride + set * s.set_stride + g * s.head_stride + (pos % s.wrap) * s.tok_stride;
}

__global__ void rope_kv_append_kernel(RopeKvAppendArgs a) {
  const std::int64_t r = blockIdx.x;
  const int warp = static_cast<int>(threadIdx.x) >> 5;
  const int lane = static_cast<int>(threadIdx.x) & 31;
  const int dh = a.head_dim;
  const int base_pos = *a.position;
  const int pos = base_pos + static_cast<int>(r % a.seq_len);
  const int last_pos = base_pos + static_cast<int>(a.seq_len) - 1;  // last position of this op
  const float* row = a.qkv + r * a.qkv_row_stride;
  const bool has_kv = r < a.kv_rows;

  const std::int64_t loop_off = r / a.rows_per_loop;  // 0 for loop lo
  const std::int64_t b = (r % a.rows_per_loop) / a.seq_len;
  const KvWriteView& dst = loop_off == 0 ? a.first : a.later;
  const std::int64_t set = loop_off == 0 ? 0 : loop_off - 1;
  // Several prefill rows of one sequence can map to one ring slot; only the last one writes.
  const bool store = has_kv && dst.k != nullptr && pos + dst.at.wrap > last_pos;

  const int n_tasks = a.heads + (has_kv ? 2 * a.kv_heads : 0);
  for (int task = warp; task < n_tasks; task += kWarps) {
    if (task < a.heads) {
      rotate_head(row + static_cast<std::int64_t>(task) * dh, dh, a.q_norm, a.norm_eps, pos, a.rope_theta,
                  a.q_out + (r * a.heads + task) * dh, nullptr);
    } else if (task < a.heads + a.kv_heads) {
      const int g = task - a.heads;
      bf16* cache = store ? dst.k + kv_offset(dst.at, b, set, g, pos) : nullptr;
      bf16* scratch = a.k_scratch != nullptr ? a.k_scratch + (r * a.kv_heads + g) * dh : nullptr;
      rotate_head(row + static_cast<std::int64_t>(a.heads + g) * dh, dh, a.k_norm, a.norm_eps, pos, a.rope_theta, cache,
                  scratch);
    } else {
      const int g = task - a.heads - a.kv_heads;
      const float* src = row + static_cast<std::int64_t>(a.heads + a.kv_heads + g) * dh;
      bf16* cache = store ? dst.v + kv_offset(dst.at, b, set, g, pos) : nullptr;
      bf16* scratch = a.v_scratch != nullptr ? a.v_scratch + (r * a.kv_heads + g) * dh : nullptr;
      for (int i = lane; i < dh; i += 32) {
        const bf16 val = dev::to_bf16(src[i]);
        if (cache != nullptr) cache[i] = val;
        if (scratch != nullptr) scratch[i] = val;
      }
    }
  }
}

}  // namespace

void launch_rope_kv_append(const RopeKvAppendArgs& a, cudaStream_t stream) {
  if (a.rows == 0) return;
  rope_kv_append_kernel<<<static_cast<unsigned int>(a.rows), kWarps * 32, 0, stream>>>(a);
  LOOPLAB_CUDA_CHECK_LAUNCH("rope_kv_append_kernel");
}

}  // namespace looplab::gpu
