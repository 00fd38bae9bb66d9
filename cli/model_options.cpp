// Preset + per-field overrides -> a validated ModelConfig.
#include "cli/model_options.hpp"

#include "engine/core/error.hpp"

namespace looplab::cli {

void add_model_options(CLI::App& app, ModelOptions& o, const std::string& default_model) {
  o.model = default_model;
  app.add_option("--model", o.model, "preset name (data/models/NAME.json) or a JSON file")->capture_default_str();
  app.add_option("--variant", o.variant, "vanilla | looped | clp | clp_share | plt");
  app.add_option("--loops", o.loops, "L: loops over the shared stack");
  app.add_option("--window", o.window, "w: G-SWA local window (plt)");
  app.add_option("--layers", o.layers, "N: layers in the shared stack");
  app.add_option("--hidden", o.hidden, "d: hidden size");
  app.add_option("--heads", o.heads, "query heads");
  app.add_option("--kv-heads", o.kv_heads, "key/value heads (GQA)");
  app.add_option("--head-dim", o.head_dim, "head dimension");
  app.add_option("--ffn", o.ffn, "MLP inner size");
  app.add_option("--vocab", o.vocab, "vocabulary size");
  app.add_option("--dtype", o.dtype, "f32 | bf16 (GPU storage type; the CPU backend is fp32)");
  app.add_option("--tied-embeddings", o.tied_embeddings, "true | false");
  app.add_option("--qk-norm", o.qk_norm, "true | false");
  app.add_option("--rope-theta", o.rope_theta, "RoPE base");
  app.add_option("--norm-eps", o.norm_eps, "RMSNorm epsilon");
  app.add_option("--reinject-e", o.reinject_e, "re-injection scale of the embeddings");
  app.add_option("--reinject-h", o.reinject_h, "re-injection scale of the previous loop");
  app.add_option("--gate-bias-init", o.gate_bias_init, "G-SWA gate bias at init");
}

ModelConfig resolve_model(const ModelOptions& o) {
  ModelConfig c = load_model(o.model);
  if (o.variant) {
    auto v = parse_variant(*o.variant);
    if (!v) throw InputError("variant", "'" + *o.variant + "' is not one of vanilla, looped, clp, clp_share, plt");
    c.variant = *v;
  }
  if (o.dtype) {
    auto t = parse_dtype(*o.dtype);
    if (!t) throw InputError("dtype", "'" + *o.dtype + "' is not one of f32, bf16");
    c.dtype = *t;
  }
  auto set = [](auto& field, const auto& opt) {
    if (opt) field = *opt;
  };
  set(c.layers, o.layers);
  set(c.hidden, o.hidden);
  set(c.heads, o.heads);
  set(c.kv_heads, o.kv_heads);
  set(c.head_dim, o.head_dim);
  set(c.ffn, o.ffn);
  set(c.vocab, o.vocab);
  set(c.loops, o.loops);
  set(c.window, o.window);
  set(c.tied_embeddings, o.tied_embeddings);
  set(c.qk_norm, o.qk_norm);
  set(c.rope_theta, o.rope_theta);
  set(c.norm_eps, o.norm_eps);
  set(c.reinject_e, o.reinject_e);
  set(c.reinject_h, o.reinject_h);
  set(c.gate_bias_init, o.gate_bias_init);
  validate(c);
  return c;
}

}  // namespace looplab::cli
