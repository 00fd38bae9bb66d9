// What a session will allocate, checked against the machine before anything is allocated: a
// typo such as --batch 1000000000000 or --decode-steps 10000000000 is an error naming the field,
// not a std::bad_alloc or a machine that swaps for an hour.
#pragma once
#include <cstdint>

#include "engine/core/config.hpp"

namespace looplab {

// Bytes a session of `batch` sequences and `max_context` positions (prompts up to `max_prompt`
// tokens) needs: the weights, the KV cache of the layout, and the activation rows, at
// `element_bytes` per element (4 on the CPU backend). Throws InputError when the count itself
// overflows.
std::int64_t session_bytes(const ModelConfig& c, std::int64_t batch, std::int64_t max_context, std::int64_t max_prompt,
                           std::int64_t element_bytes);

// This machine's physical memory in bytes.
std::int64_t physical_memory_bytes();

// Throws InputError(field, "needs N GB, this machine has M GB ...") when session_bytes exceeds
// the physical memory.
void check_session_fits(const ModelConfig& c, std::int64_t batch, std::int64_t max_context, std::int64_t max_prompt,
                        std::int64_t element_bytes, const char* field);

}  // namespace looplab
