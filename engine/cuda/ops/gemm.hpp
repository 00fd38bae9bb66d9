// The GEMMs of the plan (qkv/q/kv projections, o_proj + residual, gate_up, down + residual,
// lm_head) through cuBLASLt: y(m, n) [+]= x(m, k) . w(n, k)^T with bf16 x and w, fp32 accumulate
// and fp32 y. The residual add is beta = 1 on y in place. Decode GEMMs (m = B or B*L rows) are
// bandwidth-bound GEMVs: one read of w for all m rows.
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>
#include <map>
#include <tuple>

#include "engine/cuda/buffer.hpp"
#include "engine/cuda/cublaslt.hpp"
#include "engine/cuda/ops/types.hpp"

namespace looplab::gpu {

enum class Accumulate : unsigned char { no, yes };  // y = x.w^T, or y += x.w^T

struct GemmArgs {
  const bf16* x = nullptr;  // (m, k) row-major, rows x_row_stride apart
  const bf16* w = nullptr;  // (n, k) row-major: a linear layer's (out, in) weight
  float* y = nullptr;       // (m, n) row-major, rows y_row_stride apart
  std::int64_t m = 0, n = 0, k = 0;
  std::int64_t x_row_stride = 0;  // elements, >= k
  std::int64_t y_row_stride = 0;  // elements, >= n
  Accumulate accumulate = Accumulate::no;
};

// Owns the cuBLASLt handle, its workspace and one cached (descriptors, algorithm) per distinct
// shape, so repeated steps and CUDA-graph capture make no heuristic queries.
class GemmRunner {
 public:
  explicit GemmRunner(std::size_t workspace_bytes = std::size_t{32} << 20);
  void run(const GemmArgs& a, cudaStream_t stream);

 private:
  struct Plan {
    MatmulDesc desc;
    MatrixLayout w_layout, x_layout, y_layout;
    cublasLtMatmulAlgo_t algo{};
  };
  // m, n, k, x stride, y stride, accumulate, and the pointer alignments the algorithm assumed.
  using Key = std::tuple<std::int64_t, std::int64_t, std::int64_t, std::int64_t, std::int64_t, int, unsigned, unsigned,
                         unsigned>;
  Plan& plan_for(const GemmArgs& a);

  CublasLtHandle handle_;
  DeviceBuffer workspace_;
  std::map<Key, Plan> plans_;
};

}  // namespace looplab::gpu
