// The skinny GEMM (see gemv.hpp). Warp w of a block owns output column blockIdx.x * 8 + w; lane t
// reads the 16-byte vectors t, t + 32, ... of that column's weight row and of each x row (x is
// small and stays in L1/L2), accumulates m dot products in registers, and a warp reduction gives
// the m outputs. M is a template parameter so the sums stay in registers.
#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

#include "engine/cuda/check.hpp"
#include "engine/cuda/ops/device_common.cuh"
#include "engine/cuda/ops/gemv.hpp"

namespace looplab::gpu {
namespace {

constexpr int kThreads = kGemvWarpsPerBlock * 32;

// Eight bf16 of a 16-byte vector times eight others, summed in fp32.
__device__ __forceinline__ float dot8(const uint4& a, const uint4& b) {
  const auto* a2 = reinterpret_cast<const __nv_bfloat162*>(&a);
  const auto* b2 = reinterpret_cast<const __nv_bfloat162*>(&b);
  float s = 0.0f;
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const float2 fa = __bfloat1622float2(a2[i]);
    const float2 fb = __bfloat1622float2(b2[i]);
    s = fmaf(fa.x, fb.x, s);
    s = fmaf(fa.y, fb.y, s);
  }
  return s;
}

template <int M>
__global__ void __launch_bounds__(kThreads)
    gemv_kernel(const bf16* __restrict__ x, const bf16* __restrict__ w, float* __restrict__ y, std::int64_t n,
                std::int64_t k, std::int64_t x_stride, std::int64_t y_stride, bool accumulate) {
  const int warp = static_cast<int>(threadIdx.x) >> 5, lane = static_cast<int>(threadIdx.x) & 31;
  const std::int64_t col = static_cast<std::int64_t>(blockIdx.x) * kGemvWarpsPerBlock + warp;
  if (col >= n) return;  // warp-uniform
  const std::int64_t vecs = k / 8;
  const uint4* wrow = reinterpret_cast<const uint4*>(w + col * k);
  float sum[M];
#pragma unroll
  for (int r = 0; r < M; ++r) sum[r] = 0.0f;
  for (std::int64_t v = lane; v < vecs; v += 32) {
    const uint4 wv = __ldg(wrow + v);
#pragma unroll
    for (int r = 0; r < M; ++r) sum[r] += dot8(wv, __ldg(reinterpret_cast<const uint4*>(x + r * x_stride) + v));
  }
#pragma unroll
  for (int r = 0; r < M; ++r) sum[r] = dev::warp_sum(sum[r]);
  if (lane == 0) {
#pragma unroll
    for (int r = 0; r < M; ++r) {
      float* out = y + r * y_stride + col;
      *out = accumulate ? *out + sum[r] : sum[r];
    }
  }
}

template <int M>
void launch_rows(const GemmArgs& a, cudaStream_t stream) {
  const unsigned blocks = ceil_div_u(a.n, kGemvWarpsPerBlock);
  gemv_kernel<M><<<blocks, kThreads, 0, stream>>>(a.x, a.w, a.y, a.n, a.k, a.x_row_stride, a.y_row_stride,
                                                  a.accumulate == Accumulate::yes);
  LOOPLAB_CUDA_CHECK_LAUNCH("gemv_kernel");
}

// launch_rows<1> .. launch_rows<16>, indexed by m - 1.
template <int... I>
constexpr auto make_table(std::integer_sequence<int, I...>) {
  return std::array<void (*)(const GemmArgs&, cudaStream_t), sizeof...(I)>{&launch_rows<I + 1>...};
}
constexpr auto kLaunchers = make_table(std::make_integer_sequence<int, static_cast<int>(kGemvMaxRows)>{});

bool aligned16(const void* p) { return reinterpret_cast<std::uintptr_t>(p) % 16 == 0; }

}  // namespace

bool gemv_supported(const GemmArgs& a) {
  return a.m >= 1 && a.m <= kGemvMaxRows && a.n >= 1 && a.k >= 8 && a.k % 8 == 0 && a.x_row_stride % 8 == 0 &&
         a.x_row_stride >= a.k && a.y_row_stride >= a.n && aligned16(a.x) && aligned16(a.w) && a.y != nullptr;
}

void launch_gemv(const GemmArgs& a, cudaStream_t stream) {
  if (!gemv_supported(a))
    throw std::invalid_argument("launch_gemv: unsupported shape (m " + std::to_string(a.m) + ", k " +
                                std::to_string(a.k) + ", x stride " + std::to_string(a.x_row_stride) + ")");
  kLaunchers[static_cast<std::size_t>(a.m - 1)](a, stream);
}

}  // namespace looplab::gpu
