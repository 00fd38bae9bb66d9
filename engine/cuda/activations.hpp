// The activation buffers of one prepared CudaBackend, max_rows rows each, plus the per-step
// inputs (position and token ids) the kernels read from device memory so that a captured decode
// graph stays valid from one step to the next.
#pragma once
#include <cstdint>

#include "engine/core/config.hpp"
#include "engine/cuda/buffer.hpp"
#include "engine/cuda/ops/types.hpp"

namespace looplab::gpu {

struct Activations {
  Activations() = default;
  Activations(const ModelConfig& c, std::int64_t batch, std::int64_t max_rows, std::size_t attn_partials_bytes);

  DeviceBuffer x;              // (rows, d) fp32 residual stream
  DeviceBuffer x_alt;          // (rows, d) fp32 re-injection output before it replaces x
  DeviceBuffer xn;             // (rows, d) bf16 normed GEMM input
  DeviceBuffer qkv;            // (rows, Hq*dh + 2*Hkv*dh) fp32 projections
  DeviceBuffer q;              // (rows, Hq, dh) bf16 rotated queries
  DeviceBuffer k_pass;         // (rows, Hkv, dh) bf16 this prefill pass's rotated keys (window attention)
  DeviceBuffer v_pass;         // (rows, Hkv, dh) bf16 its values
  DeviceBuffer y;              // (rows, Hq*dh) bf16 attention output
  DeviceBuffer gate_up;        // (rows, 2*ffn) fp32
  DeviceBuffer act;            // (rows, ffn) bf16 SwiGLU output
  DeviceBuffer saved;          // (L-1, B, d) fp32 cross-loop states s(l)
  DeviceBuffer head_in;        // (B, d) bf16 final-normed rows that produce logits
  DeviceBuffer logits;         // (B, vocab) fp32
  DeviceBuffer tokens_out;     // (B) int32 argmax
  DeviceBuffer step_in;        // int32: [0] position of the step's first token, [1..] its token ids
  DeviceBuffer attn_partials;  // flash-decoding partial results
  PinnedBuffer step_in_host;   // staging for step_in

  const int* position() const { return step_in.as<const int>(); }
  const std::int32_t* tokens() const { return step_in.as<const std::int32_t>() + 1; }
};

}  // namespace looplab::gpu
