// rope_kv_append: optional per-head qk-norm, RoPE (rotate-half pairs i, i + dh/2) on the queries of
// every row and the keys of the first kv_rows rows, and the append of those keys and values to
// the caches of their loops (full caches and plt rings), plus a contiguous copy of this op's
// rotated K/V for the prefill window attention.
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>

#include "engine/cuda/ops/types.hpp"

namespace looplab::gpu {

struct RopeKvAppendArgs {
  const float* qkv = nullptr;       // (rows, qkv_row_stride): [q (Hq*dh) | k (Hkv*dh) | v (Hkv*dh)] per row
  std::int64_t qkv_row_stride = 0;  // elements, >= (Hq + 2*Hkv)*dh
  bf16* q_out = nullptr;            // (rows, Hq, dh) rotated queries
  std::int64_t rows = 0;            // rows of the op (loop-major over its loops)
  std::int64_t kv_rows = 0;         // rows [0, kv_rows) also carry k,v to rotate and store
  std::int64_t rows_per_loop = 0;   // B (decode) or B*P (prefill): row r is loop lo + r / rows_per_loop
  std::int64_t seq_len = 1;         // rows of one sequence in one loop: P (prefill) or 1 (decode)
  int heads = 0, kv_heads = 0, head_dim = 0;
  const int* position = nullptr;  // device: position of each sequence's first row of this step
                                  // (row r is at *position + r % seq_len)
  double rope_theta = 10000.0;
  const float* q_norm = nullptr;  // (dh) qk-norm weights, nullptr when the model has none
  const float* k_norm = nullptr;  // (dh)
  float norm_eps = 1e-5f;
  // Where loop lo's keys go, and loops lo+1.. (later.at.set_stride apart); sequence b =
  // (r % rows_per_loop) / seq_len. A row writes its slot only when no later row of the same
  // sequence in this op maps to that slot (a prefill longer than a ring keeps the last w).
  KvWriteView first;
  KvWriteView later;
  bf16* k_scratch = nullptr;  // (kv_rows, Hkv, dh) rotated keys of this op, or nullptr
  bf16* v_scratch = nullptr;  // (kv_rows, Hkv, dh) values of this op, or nullptr
};

void launch_rope_kv_append(const RopeKvAppendArgs& a, cudaStream_t stream);

}  // namespace looplab::gpu
