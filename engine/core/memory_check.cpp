// session_bytes() and the check against physical memory (memory_check.hpp).
#include "engine/core/memory_check.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "engine/core/checked.hpp"
#include "engine/core/error.hpp"
#include "engine/core/kv.hpp"

namespace looplab {

std::int64_t session_bytes(const ModelConfig& c, std::int64_t batch, std::int64_t max_context, std::int64_t max_prompt,
                           std::int64_t element_bytes) {
  check_product_fits("batch", {batch, std::max(max_context, std::int64_t{1}), c.effective_loops(), c.layers,
                               2 * c.kv_heads * c.head_dim, element_bytes});
  const std::int64_t weights = *checked_mul(c.parameter_count(), element_bytes);
  const std::int64_t kv = kv_bytes_formula(c, batch, max_context, element_bytes);
  // Activation rows: a prefill's batch x prompt rows (or the L rows of a cross-loop decode) times
  // the widest buffers the backend keeps (QKV, MLP, residuals), and the logits of the batch.
  const std::int64_t rows = *checked_mul(batch, std::max(max_prompt, c.effective_loops()));
  const std::int64_t width = 2 * c.ffn + 4 * c.hidden + (c.heads + 2 * c.kv_heads) * c.head_dim;
  check_product_fits("batch", {rows, width, element_bytes});
  check_product_fits("batch", {batch, c.vocab, element_bytes});
  const std::int64_t activations = rows * width * element_bytes + batch * c.vocab * element_bytes;
  const auto sum = checked_add(weights, kv);
  if (!sum || !checked_add(*sum, activations)) throw InputError("batch", "too large: its byte count overflows 64 bits");
  return *sum + activations;
}

std::int64_t physical_memory_bytes() {
  return static_cast<std::int64_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<std::int64_t>(sysconf(_SC_PAGE_SIZE));
}

void check_session_fits(const ModelConfig& c, std::int64_t batch, std::int64_t max_context, std::int64_t max_prompt,
                        std::int64_t element_bytes, const char* field) {
  if (max_context < 1 || max_prompt < 0 || max_prompt > max_context)
    throw InputError(field, "a context of " + std::to_string(max_context) + " tokens with prompts of " +
                                std::to_string(max_prompt) + " cannot be sized");
  const std::int64_t need = session_bytes(c, batch, max_context, max_prompt, element_bytes);
  const std::int64_t have = physical_memory_bytes();
  if (need <= have) return;
  char b[200];
  std::snprintf(b, sizeof b, "the session needs %.1f GB (weights, KV cache, activations), this machine has %.1f GB",
                static_cast<double>(need) * 1e-9, static_cast<double>(have) * 1e-9);
  throw InputError(field, b);
}

}  // namespace looplab
