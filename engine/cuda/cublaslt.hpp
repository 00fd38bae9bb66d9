// Move-only owners of cuBLASLt objects: the library handle and the three descriptor kinds a
// matmul needs (operation, matrix layout, heuristic preference).
#pragma once
#include <cublasLt.h>

namespace looplab::gpu {

// One owner shape for every cuBLASLt object: T is the handle type, Destroy its destroy function.
template <class T, cublasStatus_t (*Destroy)(T)>
class LtOwner {
 public:
  LtOwner() = default;
  explicit LtOwner(T h) : h_(h) {}
  ~LtOwner() { reset(); }
  LtOwner(LtOwner&& o) noexcept : h_(o.h_) { o.h_ = nullptr; }
  LtOwner& operator=(LtOwner&& o) noexcept {
    if (this != &o) {
      reset();
      h_ = o.h_;
      o.h_ = nullptr;
    }
    return *this;
  }
  LtOwner(const LtOwner&) = delete;
  LtOwner& operator=(const LtOwner&) = delete;
  T get() const { return h_; }

 private:
  void reset() noexcept;
  T h_ = nullptr;
};

using CublasLtHandle = LtOwner<cublasLtHandle_t, cublasLtDestroy>;
using MatmulDesc = LtOwner<cublasLtMatmulDesc_t, cublasLtMatmulDescDestroy>;
using MatrixLayout = LtOwner<cublasLtMatrixLayout_t, cublasLtMatrixLayoutDestroy>;
using MatmulPreference = LtOwner<cublasLtMatmulPreference_t, cublasLtMatmulPreferenceDestroy>;

CublasLtHandle make_cublaslt_handle();
MatmulDesc make_matmul_desc(cublasComputeType_t compute, cudaDataType_t scale);
MatrixLayout make_matrix_layout(cudaDataType_t type, unsigned long long rows, unsigned long long cols, long long ld);
MatmulPreference make_matmul_preference();

}  // namespace looplab::gpu
