// KvManager: layout and fill level.
#include "engine/runtime/kv_manager.hpp"

#include "engine/core/error.hpp"

namespace looplab {

KvManager::KvManager(const ModelConfig& c, std::int64_t batch, std::int64_t max_context, std::int64_t bytes_per_element)
    : layout_(kv_layout(c, batch, max_context, bytes_per_element)) {}

void KvManager::check_room(std::int64_t tokens) const {
  if (length_ + tokens > layout_.capacity_tokens)
    throw InputError("max_context", std::to_string(length_) + " cached + " + std::to_string(tokens) +
                                        " new tokens exceed the capacity of " +
                                        std::to_string(layout_.capacity_tokens));
}

void KvManager::advance(std::int64_t tokens) {
  check_room(tokens);
  length_ += tokens;
}

}  // namespace looplab
