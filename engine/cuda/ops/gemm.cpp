// cuBLASLt GEMM. cuBLASLt is column-major; a row-major (r, c) matrix is the column-major (c, r)
// one, so y(m,n) = x(m,k).w(n,k)^T is computed as the column-major y^T(n,m) = op(W) . X with
// W the column-major (k, n) view of w transposed (TRANSA = T) and X the (k, m) view of x.
#include "engine/cuda/ops/gemm.hpp"

#include <bit>
#include <stdexcept>
#include <string>

#include "engine/cuda/check.hpp"

namespace looplab::gpu {
namespace {

// Largest power of two (<= 256) dividing the address: cuBLASLt's heuristic assumes 256-byte
// aligned operands unless told otherwise, and a row offset into an activation buffer is not.
unsigned alignment_bytes(const void* p) {
  const auto addr = reinterpret_cast<std::uintptr_t>(p);
  if (addr == 0) return 256;
  const int tz = std::countr_zero(addr);
  return tz >= 8 ? 256u : 1u << tz;
}

}  // namespace

GemmRunner::GemmRunner(std::size_t workspace_bytes) : handle_(make_cublaslt_handle()), workspace_(workspace_bytes) {}

GemmRunner::Plan& GemmRunner::plan_for(const GemmArgs& a) {
  const unsigned align_x = alignment_bytes(a.x), align_w = alignment_bytes(a.w), align_y = alignment_bytes(a.y);
  const Key key{a.m,     a.n,     a.k,    a.x_row_stride, a.y_row_stride, static_cast<int>(a.accumulate),
                align_x, align_w, align_y};
  auto it = plans_.find(key);
  if (it != plans_.end()) return it->second;

  Plan p;
  p.desc = make_matmul_desc(CUBLAS_COMPUTE_32F, CUDA_R_32F);
  const cublasOperation_t trans_w = CUBLAS_OP_T, trans_x = CUBLAS_OP_N;
  LOOPLAB_CUBLAS_CHECK(
      cublasLtMatmulDescSetAttribute(p.desc.get(), CUBLASLT_MATMUL_DESC_TRANSA, &trans_w, sizeof trans_w));
  LOOPLAB_CUBLAS_CHECK(
      cublasLtMatmulDescSetAttribute(p.desc.get(), CUBLASLT_MATMUL_DESC_TRANSB, &trans_x, sizeof trans_x));
  const auto u = [](std::int64_t v) { return static_cast<unsigned long long>(v); };
  p.w_layout = make_matrix_layout(CUDA_R_16BF, u(a.k), u(a.n), a.k);             // column-major (k, n)
  p.x_layout = make_matrix_layout(CUDA_R_16BF, u(a.k), u(a.m), a.x_row_stride);  // column-major (k, m)
  p.y_layout = make_matrix_layout(CUDA_R_32F, u(a.n), u(a.m), a.y_row_stride);   // column-major (n, m)

  MatmulPreference pref = make_matmul_preference();
  const std::uint64_t ws = workspace_.bytes();
  LOOPLAB_CUBLAS_CHECK(
      cublasLtMatmulPreferenceSetAttribute(pref.get(), CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws, sizeof ws));
  const std::uint32_t aw = align_w, ax = align_x, ay = align_y;
  LOOPLAB_CUBLAS_CHECK(
      cublasLtMatmulPreferenceSetAttribute(pref.get(), CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES, &aw, sizeof aw));
  LOOPLAB_CUBLAS_CHECK(
      cublasLtMatmulPreferenceSetAttribute(pref.get(), CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES, &ax, sizeof ax));
  LOOPLAB_CUBLAS_CHECK(
      cublasLtMatmulPreferenceSetAttribute(pref.get(), CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES, &ay, sizeof ay));
  LOOPLAB_CUBLAS_CHECK(
      cublasLtMatmulPreferenceSetAttribute(pref.get(), CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES, &ay, sizeof ay));
  cublasLtMatmulHeuristicResult_t result{};
  int found = 0;
  LOOPLAB_CUBLAS_CHECK(cublasLtMatmulAlgoGetHeuristic(handle_.get(), p.desc.get(), p.w_layout.get(), p.x_layout.get(),
                                                      p.y_layout.get(), p.y_layout.get(), pref.get(), 1, &result,
                                                      &found));
  if (found == 0 || result.state != CUBLAS_STATUS_SUCCESS)
    throw GpuError("cuBLASLt has no algorithm for bf16 GEMM m=" + std::to_string(a.m) + " n=" + std::to_string(a.n) +
                   " k=" + std::to_string(a.k));
  p.algo = result.algo;
  return plans_.emplace(key, std::move(p)).first->second;
}

void GemmRunner::run(const GemmArgs& a, cudaStream_t stream) {
  if (a.m == 0 || a.n == 0) return;
  if (a.k <= 0 || a.x_row_stride < a.k || a.y_row_stride < a.n)
    throw std::invalid_argument("GemmRunner::run: bad shape m=" + std::to_string(a.m) + " n=" + std::to_string(a.n) +
                                " k=" + std::to_string(a.k));
  Plan& p = plan_for(a);
  const float alpha = 1.0f;
  const float beta = a.accumulate == Accumulate::yes ? 1.0f : 0.0f;
  // C and D are the same buffer with the same layout: cuBLASLt's in-place form.
  LOOPLAB_CUBLAS_CHECK(cublasLtMatmul(handle_.get(), p.desc.get(), &alpha, a.w, p.w_layout.get(), a.x, p.x_layout.get(),
                                      &beta, a.y, p.y_layout.get(), a.y, p.y_layout.get(), &p.algo, workspace_.get(),
                                      workspace_.bytes(), stream));
}

}  // namespace looplab::gpu
