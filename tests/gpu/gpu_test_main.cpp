// Test main of the `gpu` label: without a usable CUDA device the binary prints why and exits
// with the CTest skip code (77), so the tests show as skipped, never as passed. Listing tests
// (CTest's discovery) works everywhere. --perf: see gpu_test_flags.hpp.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "engine/cuda/device.hpp"
#include "tests/gpu/gpu_test_flags.hpp"

namespace {

constexpr int kSkipReturnCode = 77;
bool g_perf = false;

bool listing_only(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "--gtest_list_tests") == 0) return true;
  return false;
}

}  // namespace

namespace looplab::gpu::test {
bool perf_mode() { return g_perf; }
}  // namespace looplab::gpu::test

int main(int argc, char** argv) {
  const bool listing = listing_only(argc, argv);  // before InitGoogleTest consumes the flag
  testing::InitGoogleTest(&argc, argv);
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "--perf") == 0) g_perf = true;
  if (!listing) {
    const std::string why = looplab::gpu::no_device_reason();
    if (!why.empty()) {
      std::printf("SKIPPED: no CUDA device (%s)\n", why.c_str());
      return kSkipReturnCode;
    }
  }
  return RUN_ALL_TESTS();
}
