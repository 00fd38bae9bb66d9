// The op harness's cases checked without a device (label unit): every case's fp64 reference and
// its bf16 CPU run (the engine's CPU kernels) agree to bf16 precision, so a GPU failure of the
// harness points at the kernel, not at the test.
#include <gtest/gtest.h>

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

}  // namespace
