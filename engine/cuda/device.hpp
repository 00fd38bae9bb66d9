// Device discovery: how many CUDA devices there are (and why none), their properties, and
// selecting one. Everything that needs a device goes through require_device(), which fails with
// a message a user can act on.
#pragma once
#include <cstdint>
#include <string>

namespace looplab::gpu {

struct DeviceInfo {
  int ordinal = 0;
  std::string name;
  int cc_major = 0, cc_minor = 0;  // compute capability
  int sm_count = 0;
  std::int64_t global_mem_bytes = 0;
  std::int64_t l2_bytes = 0;
  std::int64_t smem_per_block_optin_bytes = 0;  // opt-in dynamic shared memory per block
  int mem_bus_width_bits = 0;
  int mem_clock_khz = 0;  // peak memory clock as the driver reports it
  int sm_clock_khz = 0;
  int driver_version = 0;  // e.g. 13000 for CUDA 13.0
  int runtime_version = 0;
};

// Devices visible to this process; 0 when there is none, no driver, or the query fails.
int device_count() noexcept;
// Why device_count() is 0 ("no CUDA driver: ...", "no CUDA device"), or "" when there is one.
std::string no_device_reason();

// Makes `ordinal` the current device and returns its properties. Throws GpuError with the reason
// when it does not exist ("no CUDA device: ... (needs an NVIDIA GPU and driver)").
DeviceInfo require_device(int ordinal = 0);
// Properties of the current device (require_device first).
DeviceInfo current_device_info();

}  // namespace looplab::gpu
