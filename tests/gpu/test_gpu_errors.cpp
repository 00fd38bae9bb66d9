// The GPU check family and the no-device path, which need no device and so run everywhere:
// messages name the statement, file and line; _NOTHROW forms never throw; asking for a device
// where there is none fails with a reason a user can act on.
#include <gtest/gtest.h>

#include <string>

#include "engine/cuda/buffer.hpp"
#include "engine/cuda/check.hpp"
#include "engine/cuda/cuda_backend.hpp"
#include "engine/cuda/device.hpp"

using namespace looplab::gpu;

namespace {

// "l" + s + "r", built by appending (GCC 12 at -O3 reports a false -Wrestrict for
// "literal" + std::string&&).
std::string wrapped(const char* l, const std::string& s, const char* r) {
  std::string out(l);
  out += s;
  out += r;
  return out;
}

std::string message_of_cuda_failure() {
  try {
    LOOPLAB_CUDA_CHECK(cudaErrorInvalidValue);
  } catch (const GpuError& e) {
    return e.what();
  }
  return "<no error>";
}

}  // namespace

TEST(CheckFamily, CudaFailureNamesStatementFileAndLine) {
  const std::string m = message_of_cuda_failure();
  EXPECT_NE(m.find("CUDA error"), std::string::npos) << m;
  EXPECT_NE(m.find("cudaErrorInvalidValue"), std::string::npos) << m;  // the statement
  EXPECT_NE(m.find(wrapped("(", std::to_string(static_cast<int>(cudaErrorInvalidValue)), ")")), std::string::npos) << m;
  EXPECT_NE(m.find("test_gpu_errors.cpp:"), std::string::npos) << m;
  EXPECT_NE(m.find(wrapped("'", cudaGetErrorString(cudaErrorInvalidValue), "'")), std::string::npos) << m;
  EXPECT_NE(m.find(" on "), std::string::npos) << m;  // the device part, "no current device" here
}

TEST(CheckFamily, CublasFailureNamesTheStatus) {
  try {
    LOOPLAB_CUBLAS_CHECK(CUBLAS_STATUS_NOT_SUPPORTED);
    FAIL() << "no exception";
  } catch (const GpuError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("cuBLAS error"), std::string::npos) << m;
    // The status name comes from cuBLASLt, after the quote, not from the statement text.
    EXPECT_NE(m.find("'CUBLAS_STATUS_NOT_SUPPORTED: "), std::string::npos) << m;
  }
}

TEST(CheckFamily, SuccessPassesAndNothrowReports) {
  EXPECT_NO_THROW(LOOPLAB_CUDA_CHECK(cudaSuccess));
  EXPECT_TRUE(LOOPLAB_CUDA_CHECK_NOTHROW(cudaSuccess));
  bool ok = true;
  EXPECT_NO_THROW(ok = LOOPLAB_CUDA_CHECK_NOTHROW(cudaErrorInvalidValue));
  EXPECT_FALSE(ok);
  EXPECT_FALSE(LOOPLAB_CUBLAS_CHECK_NOTHROW(CUBLAS_STATUS_INTERNAL_ERROR));
}

TEST(Buffers, EmptyBuffersMoveWithoutTouchingTheDevice) {
  DeviceBuffer a(0);
  DeviceBuffer b(std::move(a));
  EXPECT_EQ(b.get(), nullptr);
  EXPECT_EQ(b.bytes(), 0u);
  PinnedBuffer p;
  PinnedBuffer q = std::move(p);
  EXPECT_EQ(q.get(), nullptr);
}

TEST(NoDevice, RequireDeviceExplainsWhy) {
  if (device_count() > 0) GTEST_SKIP() << "a CUDA device is present; this test covers machines without one";
  EXPECT_FALSE(no_device_reason().empty());
  try {
    (void)require_device(0);
    FAIL() << "no exception";
  } catch (const GpuError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("no CUDA device"), std::string::npos) << m;
    EXPECT_NE(m.find("--backend cpu"), std::string::npos) << m;
  }
}

TEST(NoDevice, CudaBackendRefusesToStart) {
  if (device_count() > 0) GTEST_SKIP() << "a CUDA device is present; this test covers machines without one";
  EXPECT_THROW(CudaBackend backend, GpuError);
}
