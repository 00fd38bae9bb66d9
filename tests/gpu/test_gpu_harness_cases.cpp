// The op harness's cases checked without a device (label unit): every case's fp64 reference and
// its bf16 CPU run (the engine's CPU kernels) agree to bf16 precision, so a GPU failure of the
// harness points at the kernel, not at the test.
#include <gtest/gtest.h>

#include "engine/cuda/ops/attention_core.hpp"
#include "engine/cuda/ops/gemv.hpp"
#include "tests/gpu/op_harness.hpp"

using namespace looplab::gpu::test;

namespace {

std::vector<OpCase> all_cases() {
  std::vector<OpCase> all = elementwise_cases();
  for (auto* family : {&gemm_cases, &attention_cases})
    for (OpCase& c : (*family)()) all.push_back(std::move(c));
  return all;
}

class HarnessCase : public testing::TestWithParam<OpCase> {};

TEST_P(HarnessCase, ReferenceAndCpuRunAgree) {
  const std::string why = check_case_without_device(GetParam(), 1);
  EXPECT_TRUE(why.empty()) << why;
}

INSTANTIATE_TEST_SUITE_P(EveryOp, HarnessCase, testing::ValuesIn(all_cases()),
                         [](const testing::TestParamInfo<OpCase>& i) { return i.param.name; });

// Host arithmetic of the attention launch: query blocks past grid.y's cap go in chunks that
// cover every block once, in order.
TEST(AttentionLaunch, GridYChunksCoverEveryQueryBlockOnce) {
  using Chunks = std::vector<std::pair<std::int64_t, std::int64_t>>;
  EXPECT_EQ(looplab::gpu::grid_y_chunks(10, 2), (Chunks{{0, 2}, {2, 2}, {4, 2}, {6, 2}, {8, 2}}));
  EXPECT_EQ(looplab::gpu::grid_y_chunks(7, 3), (Chunks{{0, 3}, {3, 3}, {6, 1}}));
  EXPECT_EQ(looplab::gpu::grid_y_chunks(65535), (Chunks{{0, 65535}}));
  // A 131,072-token prompt with a GQA group of 8: 65,536 blocks of 16 queries, one past the cap.
  EXPECT_EQ(looplab::gpu::grid_y_chunks(131072 * 8 / 16), (Chunks{{0, 65535}, {65535, 1}}));
  EXPECT_TRUE(looplab::gpu::grid_y_chunks(0).empty());
}

// Which GEMMs the skinny kernel takes: up to 16 rows, rows of whole 16-byte vectors, aligned
// operands; anything else stays with cuBLASLt.
TEST(Gemv, SupportedShapes) {
  using looplab::gpu::GemmArgs;
  alignas(16) static looplab::gpu::bf16 x[16 * 264], w[8];
  static float y[16 * 64];
  const GemmArgs ok{x, w, y, 16, 64, 256, 264, 64};
  EXPECT_TRUE(looplab::gpu::gemv_supported(ok));
  GemmArgs a = ok;
  a.m = 17;
  EXPECT_FALSE(looplab::gpu::gemv_supported(a)) << "more rows than the kernel keeps";
  a = ok;
  a.m = 0;
  EXPECT_FALSE(looplab::gpu::gemv_supported(a));
  a = ok;
  a.k = 250;
  EXPECT_FALSE(looplab::gpu::gemv_supported(a)) << "k not a multiple of 8";
  a = ok;
  a.x_row_stride = 260;
  EXPECT_FALSE(looplab::gpu::gemv_supported(a)) << "x rows not 16-byte aligned";
  a = ok;
  a.x = x + 1;
  EXPECT_FALSE(looplab::gpu::gemv_supported(a)) << "x not 16-byte aligned";
  EXPECT_THROW(looplab::gpu::launch_gemv(a, nullptr), std::invalid_argument);
}

}  // namespace
