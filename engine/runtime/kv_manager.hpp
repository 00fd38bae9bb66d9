// KvManager: the Session's bookkeeping of the KV cache. The buffers are kv_layout() exactly
// (full per-loop caches, loop 1's shared cache, rings of w entries for plt loops >= 2) and live
// in the backend; this class owns the layout and the fill level, and refuses steps that would
// not fit.
#pragma once
#include <cstdint>

#include "engine/core/config.hpp"
#include "engine/core/kv.hpp"

namespace looplab {

class KvManager {
 public:
  KvManager(const ModelConfig& c, std::int64_t batch, std::int64_t max_context, std::int64_t bytes_per_element);

  const KvLayout& layout() const { return layout_; }
  std::int64_t capacity_tokens() const { return layout_.capacity_tokens; }
  // Tokens cached per sequence: the position of the next token.
  std::int64_t length() const { return length_; }
  // Throws InputError("max_context") when `tokens` more would not fit.
  void check_room(std::int64_t tokens) const;
  void advance(std::int64_t tokens);
  void reset() { length_ = 0; }

 private:
  KvLayout layout_;
  std::int64_t length_ = 0;
};

}  // namespace looplab
