// Command-line options shared by every subcommand that takes a model: a preset or JSON file plus
// an override for every ModelConfig field.
#pragma once
#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "engine/core/config.hpp"

namespace looplab::cli {

struct ModelOptions {
  std::string model = "tiny";
  std::optional<std::string> variant, dtype;
  std::optional<std::int64_t> layers, hidden, heads, kv_heads, head_dim, ffn, vocab, loops, window;
  std::optional<bool> tied_embeddings, qk_norm;
  std::optional<double> rope_theta, norm_eps, reinject_e, reinject_h, gate_bias_init;
};

void add_model_options(CLI::App& app, ModelOptions& o, const std::string& default_model = "tiny");
// Loads the preset, applies overrides, validates. Throws InputError naming the field.
ModelConfig resolve_model(const ModelOptions& o);

}  // namespace looplab::cli
