// matmul_nt: y = x . W^T (+ y), fp32, W stored (out, in) row-major like every linear layer here.
// The CPU backend's GEMMs and the simulator's measurement of this host's FLOP/s both use it.
#pragma once
#include <cstdint>

namespace looplab::cpu {

enum class Accumulate : std::uint8_t { no, yes };  // yes: y += x . W^T (residual GEMMs)

struct MatmulArgs {
  const float* x = nullptr;  // (m, k), row stride ldx
  const float* w = nullptr;  // (n, k), row stride ldw
  float* y = nullptr;        // (m, n), row stride ldy
  std::int64_t m = 0, n = 0, k = 0;
  std::int64_t ldx = 0, ldw = 0, ldy = 0;  // 0 means packed (k, k, n)
  Accumulate accumulate = Accumulate::no;
};

// Output features are the outer loop (split across OpenMP threads) and rows the inner one, so
// each weight row is read from memory once per call for all m rows: a decode step, whose m is
// B or B*L, streams the weights exactly once. 2*m*n*k flops, 4*(n*k + m*k + m*n) bytes minimum.
void matmul_nt(const MatmulArgs& a);

}  // namespace looplab::cpu
