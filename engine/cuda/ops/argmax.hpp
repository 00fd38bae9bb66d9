// argmax: greedy sampling, the lowest token id among equal maxima (as the CPU backend).
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>

namespace looplab::gpu {

struct ArgmaxArgs {
  const float* logits = nullptr;   // (rows, vocab)
  std::int32_t* tokens = nullptr;  // (rows) chosen ids
  std::int64_t rows = 0;
  std::int64_t vocab = 0;
};

void launch_argmax(const ArgmaxArgs& a, cudaStream_t stream);

}  // namespace looplab::gpu
