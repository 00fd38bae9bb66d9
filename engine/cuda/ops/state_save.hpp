// state_save: keep H(l) of the last position of every sequence (cross-loop decoding state s(l)).
// A strided row copy; the source stride picks the last prompt row of each sequence in prefill.
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>

namespace looplab::gpu {

struct StateSaveArgs {
  const float* src = nullptr;       // row r at src + r*src_row_stride, d elements
  std::int64_t src_row_stride = 0;  // elements, >= d
  float* dst = nullptr;             // (rows, d) contiguous
  std::int64_t rows = 0;
  std::int64_t d = 0;
};

void launch_state_save(const StateSaveArgs& a, cudaStream_t stream);

}  // namespace looplab::gpu
