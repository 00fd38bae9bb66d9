// Tiled attention with online softmax (see attention_core.hpp). Block: 4 warps; warp w owns the
// query vectors w, w+4, w+8, w+12 of its block. Per key tile of 32: lane t scores key t, the warp
// updates the running max / sum, then every lane accumulates its dh/32 output columns.
#include <algorithm>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>

#include "engine/cuda/check.hpp"
#include "engine/cuda/ops/attention_core.hpp"
#include "engine/cuda/ops/device_common.cuh"

namespace looplab::gpu {
namespace {

constexpr int kWarps = 4;
constexpr int kThreads = kWarps * 32;
constexpr int kKeyTile = 32;
constexpr int kQPerWarp = kQueriesPerBlock / kWarps;
constexpr int kColsPerLane = kMaxHeadDim / 32;
constexpr int kMinKeysPerSplit = 64;  // two key tiles: short decode contexts still spread over the SMs

// bf16 elements per K row in shared memory: an odd number of 4-byte words, so 32 lanes reading
// 32 different rows hit 32 different banks.
__host__ __device__ constexpr int k_row_stride(int dh) { return 2 * ((dh / 2) | 1); }

std::size_t smem_bytes(int dh) {
  return sizeof(float) * kQueriesPerBlock * dh + sizeof(bf16) * kKeyTile * (k_row_stride(dh) + dh);
}

__device__ __forceinline__ std::int64_t kv_offset(const KvStrides& s, std::int64_t b, std::int64_t set, int g,
                                                  std::int64_t t) {
  return b * s.seq_stride + set * s.set_stride + g * s.head_stride + (t % s.wrap) * s.tok_stride;
}

__global__ void __launch_bounds__(kThreads) attention_kernel(AttentionParams p) {
  extern __shared__ float4 smem4[];
  const int dh = p.head_dim;
  const int group = p.heads / p.kv_heads;
  float* q_s = reinterpret_cast<float*>(smem4);                      // [kQ][dh]
  bf16* k_s = reinterpret_cast<bf16*>(q_s + kQueriesPerBlock * dh);  // [kKeyTile][k_row_stride]
  bf16* v_s = k_s + kKeyTile * k_row_stride(dh);                     // [kKeyTile][dh]
  __shared__ std::int64_t s_row[kQueriesPerBlock];
  __shared__ int s_head[kQueriesPerBlock];
  __shared__ std::int64_t s_pos[kQueriesPerBlock];

  const int tid = static_cast<int>(threadIdx.x);
  const int warp = tid >> 5, lane = tid & 31;
  const int g = static_cast<int>(blockIdx.x % static_cast<unsigned>(p.kv_heads));
  const std::int64_t set = (blockIdx.x / static_cast<unsigned>(p.kv_heads)) % p.sets;
  const std::int64_t b = blockIdx.x / static_cast<unsigned>(p.kv_heads) / p.sets;
  const std::int64_t q_in_group = p.loops_per_set * p.q_per_loop * group;
  const std::int64_t q0 = (static_cast<std::int64_t>(blockIdx.y) + p.q_block0) * kQueriesPerBlock;
  const int nq = static_cast<int>(q_in_group - q0 < kQueriesPerBlock ? q_in_group - q0 : kQueriesPerBlock);
  const std::int64_t base_pos = *p.position;

  if (tid < nq) {
    const std::int64_t qid = q0 + tid;
    const std::int64_t u = qid / group;  // row index within the set: (loop within set, ri)
    const std::int64_t j = set * p.loops_per_set + u / p.q_per_loop;
    const std::int64_t ri = u % p.q_per_loop;
    s_row[tid] = j * p.seqs * p.q_per_loop + b * p.q_per_loop + ri;
    s_head[tid] = g * group + static_cast<int>(qid % group);
    s_pos[tid] = base_pos + ri;
  }
  __syncthreads();
  for (int idx = tid; idx < nq * dh; idx += kThreads) {
    const int qi = idx / dh, e = idx % dh;
    q_s[idx] = dev::to_f32(p.q[(s_row[qi] * p.heads + s_head[qi]) * dh + e]);
  }
  __syncthreads();  // q_s complete (the gate epilogue reads other threads' loads)
  // Keys any query of this block can see, then this split's share of them.
  std::int64_t pos_min = s_pos[0], pos_max = s_pos[0];
  for (int qi = 1; qi < nq; ++qi) {
    pos_min = s_pos[qi] < pos_min ? s_pos[qi] : pos_min;
    pos_max = s_pos[qi] > pos_max ? s_pos[qi] : pos_max;
  }
  const std::int64_t t_begin = pos_min - p.window + 1 > 0 ? pos_min - p.window + 1 : 0;
  const std::int64_t t_end = pos_max + 1;
  const std::int64_t chunk = (t_end - t_begin + p.splits - 1) / p.splits;
  const std::int64_t s0 = t_begin + static_cast<std::int64_t>(blockIdx.z) * chunk;
  const std::int64_t s1 = s0 + chunk < t_end ? s0 + chunk : t_end;

  const float scale = rsqrtf(static_cast<float>(dh));
  float m[kQPerWarp], l[kQPerWarp], acc[kQPerWarp][kColsPerLane];
#pragma unroll
  for (int i = 0; i < kQPerWarp; ++i) {
    m[i] = -INFINITY;
    l[i] = 0.0f;
#pragma unroll
    for (int c = 0; c < kColsPerLane; ++c) acc[i][c] = 0.0f;
  }

  const int half = dh / 2;
  const int kstride2 = k_row_stride(dh) / 2;  // in bf16 pairs
  for (std::int64_t tile = s0; tile < s1; tile += kKeyTile) {
    __syncthreads();  // the previous tile is no longer read
    for (int idx = tid; idx < kKeyTile * half; idx += kThreads) {
      const int tt = idx / half, e2 = idx % half;
      const std::int64_t t = tile + tt;
      __nv_bfloat162 kk = __float2bfloat162_rn(0.0f), vv = __float2bfloat162_rn(0.0f);
      if (t < s1) {
        const std::int64_t off = kv_offset(p.kv.at, b, set, g, t);
        kk = reinterpret_cast<const __nv_bfloat162*>(p.kv.k + off)[e2];
        vv = reinterpret_cast<const __nv_bfloat162*>(p.kv.v + off)[e2];
      }
      reinterpret_cast<__nv_bfloat162*>(k_s)[tt * kstride2 + e2] = kk;
      reinterpret_cast<__nv_bfloat162*>(v_s)[tt * half + e2] = vv;
    }
    __syncthreads();
    const std::int64_t t = tile + lane;
    const __nv_bfloat162* krow = reinterpret_cast<const __nv_bfloat162*>(k_s) + lane * kstride2;
#pragma unroll
    for (int i = 0; i < kQPerWarp; ++i) {
      const int qi = warp + kWarps * i;
      if (qi >= nq) continue;  // warp-uniform
      const std::int64_t pos = s_pos[qi];
      const bool valid = t < s1 && t <= pos && t > pos - p.window;
      float s = -INFINITY;
      if (valid) {
        const float* qv = q_s + qi * dh;
        float dot = 0.0f;
        for (int e2 = 0; e2 < half; ++e2) {
          const float2 kf = __bfloat1622float2(krow[e2]);
          dot += qv[2 * e2] * kf.x + qv[2 * e2 + 1] * kf.y;
        }
        s = dot * scale;
      }
      const float m_new = fmaxf(m[i], dev::warp_max(s));
      if (m_new == -INFINITY) continue;  // no visible key yet for this query (warp-uniform)
      const float pr = valid ? expf(s - m_new) : 0.0f;
      const float corr = expf(m[i] - m_new);  // 0 when m[i] is still -inf
      l[i] = l[i] * corr + dev::warp_sum(pr);
      m[i] = m_new;
#pragma unroll
      for (int c = 0; c < kColsPerLane; ++c) acc[i][c] *= corr;
      for (int tt = 0; tt < kKeyTile; ++tt) {
        const float pt = __shfl_sync(0xffffffffu, pr, tt);
        if (pt == 0.0f) continue;  // same value in every lane: uniform branch
#pragma unroll
        for (int c = 0; c < kColsPerLane; ++c) {
          const int col = lane + 32 * c;
          if (col < dh) acc[i][c] += pt * dev::to_f32(v_s[tt * dh + col]);
        }
      }
    }
  }

#pragma unroll
  for (int i = 0; i < kQPerWarp; ++i) {
    const int qi = warp + kWarps * i;
    if (qi >= nq) continue;
    const std::int64_t row = s_row[qi];
    const int h = s_head[qi];
    if (p.splits > 1) {
      float* part = p.partials + ((row * p.heads + h) * p.splits + blockIdx.z) * (dh + 2);
      if (lane == 0) {
        part[0] = m[i];
        part[1] = l[i];
      }
#pragma unroll
      for (int c = 0; c < kColsPerLane; ++c) {
        const int col = lane + 32 * c;
        if (col < dh) part[2 + col] = acc[i][c];
      }
      continue;
    }
    const float inv_l = l[i] > 0.0f ? 1.0f / l[i] : 0.0f;
    bf16* out = p.y + (row * p.heads + h) * dh;
    if (p.epilogue == AttnEpilogue::store) {
#pragma unroll
      for (int c = 0; c < kColsPerLane; ++c) {
        const int col = lane + 32 * c;
        if (col < dh) out[col] = dev::to_bf16(acc[i][c] * inv_l);
      }
      continue;
    }
    float gate = 0.0f;
    if (p.gate == GateOverride::open) {
      gate = 1.0f;
    } else if (p.gate == GateOverride::none) {
      float z = 0.0f;
      for (int e = lane; e < dh; e += 32) z += p.gate_w[h * dh + e] * q_s[qi * dh + e];
      z = dev::warp_sum(z) + p.gate_b[h];
      gate = 1.0f / (1.0f + expf(-z));
    }
#pragma unroll
    for (int c = 0; c < kColsPerLane; ++c) {
      const int col = lane + 32 * c;
      if (col < dh) out[col] = dev::to_bf16(gate * (acc[i][c] * inv_l) + (1.0f - gate) * dev::to_f32(out[col]));
    }
  }
}

// Merges the splits of one query vector: out = sum_s acc_s e^(m_s - M) / sum_s l_s e^(m_s - M).
__global__ void attention_merge_kernel(const float* partials, bf16* y, int splits, int dh) {
  const std::int64_t qv = blockIdx.x;  // row*Hq + h
  const float* part = partials + qv * splits * (dh + 2);
  float mx = -INFINITY;
  for (int s = 0; s < splits; ++s) mx = fmaxf(mx, part[s * (dh + 2)]);
  float denom = 0.0f;
  if (mx != -INFINITY)
    for (int s = 0; s < splits; ++s) denom += part[s * (dh + 2) + 1] * expf(part[s * (dh + 2)] - mx);
  const float inv = denom > 0.0f ? 1.0f / denom : 0.0f;
  for (int e = static_cast<int>(threadIdx.x); e < dh; e += static_cast<int>(blockDim.x)) {
    float o = 0.0f;
    if (mx != -INFINITY)
      for (int s = 0; s < splits; ++s) {
        const float ms = part[s * (dh + 2)];
        if (ms != -INFINITY) o += part[s * (dh + 2) + 2 + e] * expf(ms - mx);
      }
    y[qv * dh + e] = dev::to_bf16(o * inv);
  }
}

// The dynamic shared-memory limit is a per-device attribute of the kernel: set it once on each
// device a launch runs on (a process may drive several).
void allow_large_smem() {
  int device = 0;
  LOOPLAB_CUDA_CHECK(cudaGetDevice(&device));
  static std::mutex mu;
  static std::set<int> done;
  std::lock_guard lock(mu);
  if (done.count(device)) return;
  LOOPLAB_CUDA_CHECK(cudaFuncSetAttribute(attention_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                          static_cast<int>(smem_bytes(kMaxHeadDim))));
  done.insert(device);
}

}  // namespace

std::int64_t attention_rows(const AttentionParams& p) { return p.sets * p.loops_per_set * p.seqs * p.q_per_loop; }

std::size_t attention_partials_bytes(std::int64_t rows, int heads, int head_dim, int splits) {
  return splits > 1 ? sizeof(float) * static_cast<std::size_t>(rows) * static_cast<std::size_t>(heads) *
                          static_cast<std::size_t>(splits) * static_cast<std::size_t>(head_dim + 2)
                    : 0;
}

int attention_splits(std::int64_t blocks_without_split, std::int64_t max_keys, int sm_count) {
  if (blocks_without_split <= 0 || max_keys <= 0) return 1;
  const std::int64_t want = (2 * static_cast<std::int64_t>(sm_count) + blocks_without_split - 1) / blocks_without_split;
  const std::int64_t most = (max_keys + kMinKeysPerSplit - 1) / kMinKeysPerSplit;
  return static_cast<int>(std::clamp<std::int64_t>(std::min(want, most), 1, 64));
}

std::vector<std::pair<std::int64_t, std::int64_t>> grid_y_chunks(std::int64_t q_blocks, std::int64_t max_y) {
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  if (max_y < 1) max_y = kMaxGridY;
  for (std::int64_t first = 0; first < q_blocks; first += max_y)
    out.emplace_back(first, std::min(max_y, q_blocks - first));
  return out;
}

void launch_attention(const AttentionParams& p, cudaStream_t stream) {
  const std::int64_t rows = attention_rows(p);
  if (rows == 0) return;
  if (p.head_dim <= 0 || p.head_dim > kMaxHeadDim || p.head_dim % 2 != 0 || p.kv_heads <= 0 ||
      p.heads % p.kv_heads != 0 || p.splits < 1 || p.kv.at.wrap <= 0)
    throw std::invalid_argument("launch_attention: unsupported shape (head_dim " + std::to_string(p.head_dim) +
                                ", heads " + std::to_string(p.heads) + "/" + std::to_string(p.kv_heads) + ")");
  if (p.splits > 1 && p.partials_bytes < attention_partials_bytes(rows, p.heads, p.head_dim, p.splits))
    throw std::invalid_argument("launch_attention: partials workspace too small");
  allow_large_smem();
  const std::int64_t q_in_group = p.loops_per_set * p.q_per_loop * (p.heads / p.kv_heads);
  const std::int64_t q_blocks = (q_in_group + kQueriesPerBlock - 1) / kQueriesPerBlock;
  for (const auto& [first, blocks] : grid_y_chunks(q_blocks, p.max_grid_y > 0 ? p.max_grid_y : kMaxGridY)) {
    AttentionParams chunk = p;
    chunk.q_block0 = first;
    const dim3 grid(static_cast<unsigned>(p.seqs * p.sets * p.kv_heads), static_cast<unsigned>(blocks),
                    static_cast<unsigned>(p.splits));
    attention_kernel<<<grid, kThreads, smem_bytes(p.head_dim), stream>>>(chunk);
    LOOPLAB_CUDA_CHECK_LAUNCH("attention_kernel");
  }
  if (p.splits > 1) {
    attention_merge_kernel<<<static_cast<unsigned>(rows * p.heads), 64, 0, stream>>>(p.partials, p.y, p.splits,
                                                                                     p.head_dim);
    LOOPLAB_CUDA_CHECK_LAUNCH("attention_merge_kernel");
  }
}

}  // namespace looplab::gpu
