// Device discovery and selection.
#include "engine/cuda/device.hpp"

#include <cuda_runtime_api.h>

#include "engine/cuda/check.hpp"

namespace looplab::gpu {

int device_count() noexcept {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    (void)cudaGetLastError();  // do not leave the failed query as a sticky error for later checks
    return 0;
  }
  return n;
}

std::string no_device_reason() {
  int n = 0;
  cudaError_t e = cudaGetDeviceCount(&n);
  if (e != cudaSuccess) {
    (void)cudaGetLastError();
    return std::string("cudaGetDeviceCount failed: ") + cudaGetErrorString(e) + " (" +
           std::to_string(static_cast<int>(e)) + ")";
  }
  if (n == 0) return "cudaGetDeviceCount reports 0 devices";
  return "";
}

DeviceInfo current_device_info() {
  int dev = 0;
  LOOPLAB_CUDA_CHECK(cudaGetDevice(&dev));
  cudaDeviceProp p{};
  LOOPLAB_CUDA_CHECK(cudaGetDeviceProperties(&p, dev));
  DeviceInfo d;
  d.ordinal = dev;
  d.name = p.name;
  d.cc_major = p.major;
  d.cc_minor = p.minor;
  d.sm_count = p.multiProcessorCount;
  d.global_mem_bytes = static_cast<std::int64_t>(p.totalGlobalMem);
  d.l2_bytes = p.l2CacheSize;
  d.smem_per_block_optin_bytes = static_cast<std::int64_t>(p.sharedMemPerBlockOptin);
  d.mem_bus_width_bits = p.memoryBusWidth;
  LOOPLAB_CUDA_CHECK(cudaDeviceGetAttribute(&d.mem_clock_khz, cudaDevAttrMemoryClockRate, dev));
  LOOPLAB_CUDA_CHECK(cudaDeviceGetAttribute(&d.sm_clock_khz, cudaDevAttrClockRate, dev));
  LOOPLAB_CUDA_CHECK(cudaDriverGetVersion(&d.driver_version));
  LOOPLAB_CUDA_CHECK(cudaRuntimeGetVersion(&d.runtime_version));
  return d;
}

DeviceInfo require_device(int ordinal) {
  const std::string why = no_device_reason();
  if (!why.empty())
    throw GpuError("no CUDA device: " + why + " (the cuda backend needs an NVIDIA GPU and driver; use --backend cpu)");
  int n = device_count();
  if (ordinal < 0 || ordinal >= n)
    throw GpuError("CUDA device " + std::to_string(ordinal) + " does not exist (" + std::to_string(n) + " visible)");
  LOOPLAB_CUDA_CHECK(cudaSetDevice(ordinal));
  return current_device_info();
}

}  // namespace looplab::gpu
