// `looplab generate`: greedy generation with any variant on the CPU (or CUDA) engine, with
// timings, KV bytes and an optional safetensors dump of the hidden states; `looplab weights init`
// saves the seeded random weights so `generate --weights FILE` can run them.
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli/commands.hpp"
#include "cli/model_options.hpp"
#include "engine/core/atomic_file.hpp"
#include "engine/core/checked.hpp"
#include "engine/core/error.hpp"
#include "engine/core/kv.hpp"
#include "engine/core/memory_check.hpp"
#include "engine/core/safetensors.hpp"
#include "engine/runtime/backend_factory.hpp"
#include "engine/runtime/generate.hpp"
#include "engine/runtime/session.hpp"

namespace looplab::cli {
namespace {

// A typo must not generate for hours: a million tokens is already more than a test needs.
constexpr std::int64_t kMaxNewTokens = 1'000'000;

struct GenerateArgs {
  ModelOptions model;
  std::int64_t batch = 1;
  std::int64_t prompt_len = 16;
  std::int64_t new_tokens = 16;
  std::uint64_t seed = 1;
  std::optional<std::string> weights, dump;
  std::string backend = "cpu";
  bool json = false;
};

SafetensorsEntry entry(const std::string& name, const std::string& dtype, std::vector<std::int64_t> shape,
                       const void* data, std::size_t bytes) {
  SafetensorsEntry e;
  e.name = name;
  e.dtype = dtype;
  e.shape = std::move(shape);
  e.bytes.resize(bytes);
  std::memcpy(e.bytes.data(), data, bytes);
  return e;
}

// The dump documented in docs/engine.md: hidden (B, P+T-1, d) F32, logits (B, vocab) F32,
// tokens (B, P+T) I32, and the config in the metadata.
void write_dump(const std::string& path, const ModelConfig& c, const Generation& g, std::uint64_t seed,
                const std::string& weights) {
  const std::int64_t B = g.batch, P = g.prompt_len, T = g.new_tokens;
  std::vector<std::int32_t> tokens;
  for (std::int64_t b = 0; b < B; ++b) {
    tokens.insert(tokens.end(), g.prompts.begin() + b * P, g.prompts.begin() + (b + 1) * P);
    tokens.insert(tokens.end(), g.generated.begin() + b * T, g.generated.begin() + (b + 1) * T);
  }
  SafetensorsFile f;
  f.tensors.push_back(entry("hidden", "F32", {B, P + T - 1, c.hidden}, g.hidden.data(), g.hidden.size() * 4));
  f.tensors.push_back(entry("logits", "F32", {B, c.vocab}, g.last_logits.data(), g.last_logits.size() * 4));
  f.tensors.push_back(entry("tokens", "I32", {B, P + T}, tokens.data(), tokens.size() * 4));
  f.metadata = {{"config", config_to_json(c).dump()},
                {"seed", std::to_string(seed)},
                {"weights", weights},
                {"prompt_len", std::to_string(P)},
                {"new_tokens", std::to_string(T)}};
  write_safetensors(path, f);
}

int run_generate(const GenerateArgs& a) {
  const ModelConfig c = resolve_model(a.model);
  if (a.batch < 1) throw InputError("batch", std::to_string(a.batch) + " must be >= 1");
  if (a.prompt_len < 1) throw InputError("prompt-len", std::to_string(a.prompt_len) + " must be >= 1");
  if (a.new_tokens < 1) throw InputError("new-tokens", std::to_string(a.new_tokens) + " must be >= 1");
  if (a.new_tokens > kMaxNewTokens)
    throw InputError("new-tokens", std::to_string(a.new_tokens) + " is above the limit of " +
                                       std::to_string(kMaxNewTokens) + " tokens per sequence");
  check_product_fits("prompt-len", {a.prompt_len + a.new_tokens, a.batch});
  check_session_fits(c, a.batch, a.prompt_len + a.new_tokens, a.prompt_len, 4, "batch");
  if (a.dump) check_output_path(*a.dump, "dump");
  const Weights weights = a.weights ? load_weights(*a.weights, c) : random_weights(c, a.seed);
  const std::string weights_source = a.weights ? *a.weights : "random (seed " + std::to_string(a.seed) + ")";
  const std::int64_t context = a.prompt_len + a.new_tokens - 1;

  const std::unique_ptr<Backend> backend_owner = make_backend(a.backend);
  Backend& backend = *backend_owner;
  Session session(c, weights, backend, {a.batch, context, a.prompt_len});
  const auto prompts = random_prompts(a.seed, a.batch, a.prompt_len, c.vocab);
  const Generation g = generate(session, prompts, a.new_tokens, a.dump ? Record::hidden_states : Record::tokens);
  if (a.dump) write_dump(*a.dump, c, g, a.seed, weights_source);

  const std::int64_t kv_formula = kv_bytes_formula(c, a.batch, context, backend.kv_bytes_per_element());
  const double decode_ms = g.median_decode_time_s() * 1e3;
  if (a.json) {
    nlohmann::json prompts_j = nlohmann::json::array(), tokens_j = nlohmann::json::array(),
                   decode_j = nlohmann::json::array();
    for (std::int64_t b = 0; b < a.batch; ++b) {
      prompts_j.push_back(
          std::vector<std::int32_t>(g.prompts.begin() + b * a.prompt_len, g.prompts.begin() + (b + 1) * a.prompt_len));
      tokens_j.push_back(std::vector<std::int32_t>(g.generated.begin() + b * a.new_tokens,
                                                   g.generated.begin() + (b + 1) * a.new_tokens));
    }
    for (double t : g.decode_time_s) decode_j.push_back(t * 1e3);
    // The config as it ran: the CPU backend computes and stores in fp32 whatever the preset says.
    ModelConfig ran = c;
    if (backend.name() == std::string_view("cpu")) ran.dtype = DType::f32;
    nlohmann::json out = {{"config", config_to_json(ran)},
                          {"model_dtype", std::string(to_string(c.dtype))},
                          {"backend", std::string(backend.name())},
                          {"weights", weights_source},
                          {"batch", a.batch},
                          {"prompt_len", a.prompt_len},
                          {"new_tokens", a.new_tokens},
                          {"seed", a.seed},
                          {"prompts", prompts_j},
                          {"tokens", tokens_j},
                          {"prefill_ms", g.prefill_time_s * 1e3},
                          {"decode_ms_per_token", decode_ms},
                          {"decode_ms", decode_j},
                          {"kv_bytes_allocated", session.kv_bytes_allocated()},
                          {"kv_bytes_formula", kv_formula}};
    if (a.dump) out["dump"] = *a.dump;
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::printf("%s %s L=%lld w=%lld: batch %lld, prompt %lld, %lld new tokens, %s weights, %s backend\n", c.name.c_str(),
              std::string(to_string(c.variant)).c_str(), (long long)c.effective_loops(), (long long)c.window,
              (long long)a.batch, (long long)a.prompt_len, (long long)a.new_tokens, weights_source.c_str(),
              std::string(backend.name()).c_str());
  for (std::int64_t b = 0; b < a.batch; ++b) {
    std::printf("sequence %lld:", (long long)b);
    for (std::int64_t t = 0; t < a.new_tokens; ++t)
      std::printf(" %d", g.generated[static_cast<std::size_t>(b * a.new_tokens + t)]);
    std::printf("\n");
  }
  std::printf("prefill %.3f ms, decode %.3f ms/token (median of %zu steps), KV %lld bytes allocated (formula %lld)\n",
              g.prefill_time_s * 1e3, decode_ms, g.decode_time_s.size(), (long long)session.kv_bytes_allocated(),
              (long long)kv_formula);
  if (a.dump) std::printf("wrote %s (hidden, logits, tokens)\n", a.dump->c_str());
  return 0;
}

Registered register_generate(CLI::App& root) {
  auto* sub =
      root.add_subcommand("generate", "greedy generation with any variant: tokens, timings, KV bytes, optional dump");
  auto a = std::make_shared<GenerateArgs>();
  add_model_options(*sub, a->model);
  sub->add_option("--batch", a->batch, "B: sequences, all with the same prompt length")->capture_default_str();
  sub->add_option("--prompt-len", a->prompt_len, "P: prompt tokens per sequence")->capture_default_str();
  sub->add_option("--new-tokens", a->new_tokens, "T: tokens to generate per sequence")->capture_default_str();
  sub->add_option("--seed", a->seed, "seed of the random weights and of the prompts")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  sub->add_option("--weights", a->weights, "a safetensors file (F32 or BF16) instead of random weights");
  sub->add_option("--dump", a->dump, "write hidden states, last logits and tokens to this safetensors file");
  sub->add_option("--backend", a->backend, "cpu (fp32 reference) | cuda (when built with CUDA and a device)")
      ->capture_default_str();
  sub->add_flag("--json", a->json, "machine-readable output");
  return {sub, [a] { return run_generate(*a); }};
}

struct WeightsInitArgs {
  ModelOptions model;
  std::uint64_t seed = 1;
  std::string out;
};

Registered register_weights(CLI::App& root) {
  auto* sub = root.add_subcommand("weights", "weight files");
  sub->require_subcommand(1);
  auto* init = sub->add_subcommand("init", "save the seeded random weights of a model as safetensors");
  auto a = std::make_shared<WeightsInitArgs>();
  add_model_options(*init, a->model);
  init->add_option("--seed", a->seed, "seed (the same as generate --seed)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  init->add_option("--out", a->out, "output .safetensors file")->required();
  return {sub, [a] {
            const ModelConfig c = resolve_model(a->model);
            check_output_path(a->out, "out");
            check_session_fits(c, 1, 1, 1, 4, "layers");  // the weights must fit before they are made
            // The file stores the model's dtype (--dtype f32|bf16, default from the preset).
            const Weights w = random_weights(c, a->seed);
            save_weights(a->out, w, c.dtype, {{"config", config_to_json(c).dump()}, {"seed", std::to_string(a->seed)}});
            std::printf("wrote %s: %zu tensors, %lld parameters, %s\n", a->out.c_str(), w.size(),
                        (long long)w.parameter_count(), std::string(to_string(c.dtype)).c_str());
            return 0;
          }};
}

const Registrar kGenerate(register_generate);
const Registrar kWeights(register_weights);

}  // namespace
}  // namespace looplab::cli
