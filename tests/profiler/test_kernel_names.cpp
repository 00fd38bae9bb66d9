// Kernel names: demangling and the short name Nsight Systems' shortName column holds.
#include <gtest/gtest.h>

#include "profiler/kernel_names.hpp"

using namespace looplab::profiler;

TEST(KernelNames, DemangleAndShorten) {
  EXPECT_EQ(short_kernel_name("void looplab::gpu::gemm<float, 128>(float const*, int)"), "gemm");
  EXPECT_EQ(short_kernel_name("rmsnorm"), "rmsnorm");
  EXPECT_EQ(short_kernel_name("void at::native::(anonymous namespace)::kernel<(int)4>(int)"), "kernel");
  EXPECT_EQ(demangle("_ZN7looplab3gpu11rmsnorm_f32EPKfPfi"), "looplab::gpu::rmsnorm_f32(float const*, float*, int)");
  EXPECT_EQ(demangle("plain_c_name"), "plain_c_name");
  EXPECT_EQ(demangle(nullptr), "");
}
