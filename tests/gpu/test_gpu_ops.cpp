// Every CUDA op against the fp64 reference with the bf16-derived bound of op_harness.hpp, in the
// shapes of every variant's plan. `test_gpu_ops --perf --gtest_filter=GpuOpsPerf.*` prints the
// median device time and bandwidth of each case instead.
#include <gtest/gtest.h>

#include <cstdio>

#include "tests/gpu/gpu_test_flags.hpp"
#include "tests/gpu/op_harness.hpp"

using namespace looplab::gpu::test;

namespace {

std::vector<OpCase> all_cases() {
  std::vector<OpCase> all = elementwise_cases();
  for (auto* family : {&gemm_cases, &attention_cases})
    for (OpCase& c : (*family)()) all.push_back(std::move(c));
  return all;
}

class GpuOps : public testing::TestWithParam<OpCase> {};

TEST_P(GpuOps, MatchesReferenceWithinBf16Bound) {
  for (std::uint64_t seed : {1u, 2u}) {
    const std::string failure = run_case(GetParam(), seed);
    EXPECT_TRUE(failure.empty()) << "seed " << seed << ": " << failure;
  }
}

INSTANTIATE_TEST_SUITE_P(EveryOp, GpuOps, testing::ValuesIn(all_cases()),
                         [](const testing::TestParamInfo<OpCase>& i) { return i.param.name; });

// The harness must be able to fail: a launch that skips its work leaves poisoned outputs.
TEST(GpuOpsHarness, DetectsAnOpThatWritesNothing) {
  OpCase c = all_cases().front();
  OpCase lazy{c.name + "_lazy", [build = c.build](std::mt19937_64& rng, CaseSetup& s) {
                build(rng, s);
                s.launch = [](cudaStream_t) {};
              }};
  EXPECT_NE(run_case(lazy, 1).find("never written"), std::string::npos);
}

TEST(GpuOpsPerf, MedianTimePerCase) {
  if (!perf_mode()) GTEST_SKIP() << "pass --perf to time every case";
  std::printf("%-50s %12s %10s\n", "case", "median_us", "GB/s");
  for (const OpCase& c : all_cases()) {
    const PerfResult r = time_case(c, 1, 50);
    std::printf("%-50s %12.2f %10.1f\n", c.name.c_str(), r.median_us, r.gbytes_per_s);
  }
}

}  // namespace
