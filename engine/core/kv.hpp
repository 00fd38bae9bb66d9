// KV cache layout and its byte accounting (docs/model.md, "The five variants"). The engine's KV
// manager allocates exactly kv_layout(); kv_bytes_formula() is the paper-level formula written
// out independently, and tests hold the two equal to the byte.
#pragma once
#include <cstdint>
#include <vector>

#include "engine/core/config.hpp"

namespace looplab {

enum class KvBufferKind : std::uint8_t {
  full,  // capacity_tokens entries: loop 1's (shared) cache, or loop l's own cache
  ring,  // min(capacity, w) entries of a plt loop >= 2
};

struct KvBuffer {
  KvBufferKind kind = KvBufferKind::full;
  std::int32_t loop = 1;    // 1-based loop that writes it
  std::int64_t tokens = 0;  // entries per sequence
  std::int64_t bytes = 0;   // K and V, all layers, all sequences
};

struct KvLayout {
  std::int64_t batch = 0;
  std::int64_t capacity_tokens = 0;  // n: the longest context the buffers hold
  std::int64_t bytes_per_element = 0;
  std::vector<KvBuffer> buffers;  // loop 1 first
  std::int64_t total_bytes() const;
};

// unit = 2 * N * Hkv * dh * bytes_per_element: K and V of one token over every layer.
std::int64_t kv_unit_bytes(const ModelConfig& c, std::int64_t bytes_per_element);

// The buffers a Session allocates for `batch` sequences of up to capacity_tokens tokens.
KvLayout kv_layout(const ModelConfig& c, std::int64_t batch, std::int64_t capacity_tokens,
                   std::int64_t bytes_per_element);

// The formula of docs/model.md ("The five variants", KV stored per sequence) times batch:
// unit * {n, L*n, L*n, n, n + (L-1)*min(n,w)}.
// Throws InputError("context") when the product overflows 64 bits.
std::int64_t kv_bytes_formula(const ModelConfig& c, std::int64_t batch, std::int64_t n, std::int64_t bytes_per_element);

}  // namespace looplab
