// cuBLASLt owners: creation throws through LOOPLAB_CUBLAS_CHECK, destruction never throws.
#include "engine/cuda/cublaslt.hpp"

#include "engine/cuda/check.hpp"

namespace looplab::gpu {

template <class T, cublasStatus_t (*Destroy)(T)>
void LtOwner<T, Destroy>::reset() noexcept {
  if (h_ != nullptr) LOOPLAB_CUBLAS_CHECK_NOTHROW(Destroy(h_));
  h_ = nullptr;
}

template class LtOwner<cublasLtHandle_t, cublasLtDestroy>;
template class LtOwner<cublasLtMatmulDesc_t, cublasLtMatmulDescDestroy>;
template class LtOwner<cublasLtMatrixLayout_t, cublasLtMatrixLayoutDestroy>;
template class LtOwner<cublasLtMatmulPreference_t, cublasLtMatmulPreferenceDestroy>;

CublasLtHandle make_cublaslt_handle() {
  cublasLtHandle_t h = nullptr;
  LOOPLAB_CUBLAS_CHECK(cublasLtCreate(&h));
  return CublasLtHandle(h);
}

MatmulDesc make_matmul_desc(cublasComputeType_t compute, cudaDataType_t scale) {
  cublasLtMatmulDesc_t d = nullptr;
  LOOPLAB_CUBLAS_CHECK(cublasLtMatmulDescCreate(&d, compute, scale));
  return MatmulDesc(d);
}

MatrixLayout make_matrix_layout(cudaDataType_t type, unsigned long long rows, unsigned long long cols, long long ld) {
  cublasLtMatrixLayout_t l = nullptr;
  LOOPLAB_CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&l, type, rows, cols, ld));
  return MatrixLayout(l);
}

MatmulPreference make_matmul_preference() {
  cublasLtMatmulPreference_t p = nullptr;
  LOOPLAB_CUBLAS_CHECK(cublasLtMatmulPreferenceCreate(&p));
  return MatmulPreference(p);
}

}  // namespace looplab::gpu
