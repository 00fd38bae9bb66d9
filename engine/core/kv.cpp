// KV cache layout per variant, and the closed-form byte count it must match.
#include "engine/core/kv.hpp"

#include <algorithm>

#include "engine/core/checked.hpp"
#include "engine/core/error.hpp"

namespace looplab {
namespace {

std::int64_t mul_or_throw(std::initializer_list<std::int64_t> xs) {
  std::int64_t acc = 1;
  for (std::int64_t x : xs) {
    auto r = checked_mul(acc, x);
    if (!r) throw InputError("context", "KV byte count overflows 64 bits");
    acc = *r;
  }
  return acc;
}

}  // namespace

std::int64_t KvLayout::total_bytes() const {
  std::int64_t t = 0;
  for (const auto& b : buffers) t += b.bytes;
  return t;
}

std::int64_t kv_unit_bytes(const ModelConfig& c, std::int64_t bpe) {
  return mul_or_throw({2, c.layers, c.kv_heads, c.head_dim, bpe});
}

KvLayout kv_layout(const ModelConfig& c, std::int64_t batch, std::int64_t n, std::int64_t bpe) {
  if (batch < 1) throw InputError("batch", std::to_string(batch) + " must be >= 1");
  if (n < 1) throw InputError("context", std::to_string(n) + " must be >= 1");
  (void)kv_bytes_formula(c, batch, n, bpe);  // throws if the total overflows 64 bits
  KvLayout layout;
  layout.batch = batch;
  layout.capacity_tokens = n;
  layout.bytes_per_element = bpe;
  const std::int64_t unit = kv_unit_bytes(c, bpe);
  const auto L = static_cast<std::int32_t>(c.effective_loops());
  auto add = [&](KvBufferKind kind, std::int32_t loop, std::int64_t tokens) {
    layout.buffers.push_back({kind, loop, tokens, mul_or_throw({unit, tokens, batch})});
  };
  add(KvBufferKind::full, 1, n);
  for (std::int32_t l = 2; l <= L; ++l) {
    switch (c.variant) {
      case Variant::looped:
      case Variant::clp:
        add(KvBufferKind::full, l, n);
        break;
      case Variant::plt:
        add(KvBufferKind::ring, l, std::min(n, c.window));
        break;
      case Variant::vanilla:
      case Variant::clp_share:
        break;  // loops >= 2 read loop 1's cache
    }
  }
  return layout;
}

std::int64_t kv_bytes_formula(const ModelConfig& c, std::int64_t batch, std::int64_t n, std::int64_t bpe) {
  const std::int64_t unit = kv_unit_bytes(c, bpe);
  const std::int64_t L = c.effective_loops();
  std::int64_t tokens = 0;
  switch (c.variant) {
    case Variant::vanilla:
      tokens = n;
      break;
    case Variant::looped:
      tokens = mul_or_throw({L, n});
      break;
    case Variant::clp:
      tokens = mul_or_throw({L, n});
      break;
    case Variant::clp_share:
      tokens = n;
      break;
    case Variant::plt:
      tokens = n + mul_or_throw({L - 1, std::min(n, c.window)});
      break;
  }
  return mul_or_throw({unit, tokens, batch});
}

}  // namespace looplab
