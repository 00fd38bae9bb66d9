// One error-check family for the CUDA runtime, cuBLAS/cuBLASLt and CUPTI, generated from one
// template: a failing call becomes a GpuError naming the statement, file, line and device.
// Destructors use the _NOTHROW forms, which print one line to stderr and carry on.
#pragma once
#include <cublas_api.h>
#include <cuda_runtime_api.h>

#include <stdexcept>
#include <string>

namespace looplab::gpu {

// A CUDA, cuBLAS or CUPTI call failed; what() reads
// "CUDA error 'out of memory' (2) in cudaMalloc(&p, n) at engine/cuda/buffer.cpp:14 on device 0 (NVIDIA H200)".
class GpuError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The library-specific part of a check: what success is and how a status reads.
struct CudaRuntimeApi {
  using Status = cudaError_t;
  static constexpr const char* kLibrary = "CUDA";
  static bool ok(Status s) { return s == cudaSuccess; }
  static std::string describe(Status s);
};

struct CublasApi {
  using Status = cublasStatus_t;
  static constexpr const char* kLibrary = "cuBLAS";
  static bool ok(Status s) { return s == CUBLAS_STATUS_SUCCESS; }
  static std::string describe(Status s);
};

// "CUDA error 'why' (code) in stmt at file:line on device N (name)".
std::string format_failure(const char* library, const std::string& why, long code, const char* stmt, const char* file,
                           int line);
// Writes one line to stderr; never throws (for destructors and cleanup paths).
void report_failure_nothrow(const std::string& message) noexcept;

template <class Api>
void check(typename Api::Status s, const char* stmt, const char* file, int line) {
  if (Api::ok(s)) return;
  throw GpuError(format_failure(Api::kLibrary, Api::describe(s), static_cast<long>(s), stmt, file, line));
}

template <class Api>
bool check_nothrow(typename Api::Status s, const char* stmt, const char* file, int line) noexcept {
  if (Api::ok(s)) return true;
  try {
    report_failure_nothrow(format_failure(Api::kLibrary, Api::describe(s), static_cast<long>(s), stmt, file, line));
  } catch (...) {
    report_failure_nothrow("looplab: a GPU call failed and its message could not be built");
  }
  return false;
}

}  // namespace looplab::gpu

#define LOOPLAB_CUDA_CHECK(stmt) \
  ::looplab::gpu::check<::looplab::gpu::CudaRuntimeApi>((stmt), #stmt, __FILE__, __LINE__)
#define LOOPLAB_CUDA_CHECK_NOTHROW(stmt) \
  ::looplab::gpu::check_nothrow<::looplab::gpu::CudaRuntimeApi>((stmt), #stmt, __FILE__, __LINE__)
#define LOOPLAB_CUBLAS_CHECK(stmt) ::looplab::gpu::check<::looplab::gpu::CublasApi>((stmt), #stmt, __FILE__, __LINE__)
#define LOOPLAB_CUBLAS_CHECK_NOTHROW(stmt) \
  ::looplab::gpu::check_nothrow<::looplab::gpu::CublasApi>((stmt), #stmt, __FILE__, __LINE__)
// After every kernel launch: a bad launch configuration shows up here, named by the launcher.
#define LOOPLAB_CUDA_CHECK_LAUNCH(what) \
  ::looplab::gpu::check<::looplab::gpu::CudaRuntimeApi>(cudaGetLastError(), what, __FILE__, __LINE__)
