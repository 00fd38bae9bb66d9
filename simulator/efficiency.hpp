// The kernel-efficiency model: how far a real kernel falls short of the roofline of its op, as a
// few small functions of the op's shape and the device. Each term is documented with its source
// or marked as a fitted parameter in docs/simulator.md ("The efficiency model"); the unit tests
// work each one out by hand. On the host (CPU backend) the model is off: plain roofline.
#pragma once
#include <cstdint>

namespace looplab::efficiency {

// GEMM tile and wave quantization. A GEMM of M x N x K runs as ceil(M/tm) * ceil(N/tn) output
// tiles, optionally split s ways along K; the tiles run in waves of `sms` (one tile per SM at a
// time). Its compute time is that of the padded tiles over the full waves:
//   factor = (tiles * s * tm * tn * (K / s)) / (M * N * K)  *  (waves * sms) / (tiles * s)
// A smaller tile also reuses each loaded operand less, so it runs below the tensor cores' peak:
// its efficiency is tile_efficiency(tm, tn, alpha) = (tm * tn / (128 * 256))^alpha, alpha fitted
// (0: every tile at peak). The library picks the tile shape and split with the smallest factor
// (what cuBLAS's heuristics aim at). Returns the multiplier (>= 1) on the ideal compute time.
// GEMMs of up to kSkinnyRows rows use skinny tiles (kSkinnyRows x 64 or x 128) at full
// efficiency instead (see gemm_tiles).
inline constexpr std::int32_t kSkinnyRows = 16;
struct TileChoice {
  std::int32_t tm = 128, tn = 128, split_k = 1;
  double factor = 1;  // padded work / useful work, over wave utilization, over tile efficiency
};
double tile_efficiency(std::int32_t tm, std::int32_t tn, double alpha);
TileChoice gemm_tiles(double m, double n, double k, std::int32_t sms, double alpha = 0);

// Fraction of the device's bandwidth a kernel of `blocks` independent thread blocks reaches:
// one block per SM streams at most 1/sms of the bandwidth, and `blocks_per_sm` blocks per SM are
// needed to keep enough loads in flight (Little's law). min(1, blocks / (sms * blocks_per_sm)).
double parallel_fraction(double blocks, std::int32_t sms, double blocks_per_sm);

// Decode attention: how many ways an engine splits each (sequence, KV head) along the context.
//   split_tokens == 0   no split (one block per sequence and head)
//   split_tokens  > 0   a fixed partition of that many keys (vLLM's paged attention v2: 512)
//   split_tokens  < 0   flash-decoding: enough splits to give every SM a block, at least 256
//                       keys per split (FlashAttention's split heuristic)
std::int64_t decode_splits(std::int64_t units, std::int64_t kv_len, std::int32_t sms, std::int64_t split_tokens);

// Compute and memory overlap imperfectly inside a kernel: the shorter of the two is hidden by
// `overlap` (1: perfect, the roofline's max; 0: none, the sum).
double overlapped(double compute_s, double memory_s, double overlap);

}  // namespace looplab::efficiency
