// Messages of the GPU check family: statement, file, line, and the device the thread was using.
#include "engine/cuda/check.hpp"

#include <cublasLt.h>

#include <cstdio>

namespace looplab::gpu {

std::string CudaRuntimeApi::describe(Status s) {
  const char* text = cudaGetErrorString(s);
  return text != nullptr ? text : "unknown CUDA error";
}

std::string CublasApi::describe(Status s) {
  const char* name = cublasLtGetStatusName(s);
  const char* text = cublasLtGetStatusString(s);
  return std::string(name != nullptr ? name : "unknown cuBLAS status") + ": " + (text != nullptr ? text : "");
}

namespace {

// "device 0 (NVIDIA H200)", or "no current device" when even that query fails. Uses only calls
// that do not disturb the error state a caller may still want to read.
std::string device_label() {
  int dev = -1;
  if (cudaGetDevice(&dev) != cudaSuccess || dev < 0) return "no current device";
  std::string label = "device " + std::to_string(dev);
  cudaDeviceProp prop{};
  if (cudaGetDeviceProperties(&prop, dev) == cudaSuccess) label += " (" + std::string(prop.name) + ")";
  return label;
}

}  // namespace

std::string format_failure(const char* library, const std::string& why, long code, const char* stmt, const char* file,
                           int line) {
  return std::string(library) + " error '" + why + "' (" + std::to_string(code) + ") in " + stmt + " at " + file + ":" +
         std::to_string(line) + " on " + device_label();
}

void report_failure_nothrow(const std::string& message) noexcept {
  std::fprintf(stderr, "looplab: %s\n", message.c_str());
}

}  // namespace looplab::gpu
