// `looplab demo`: the paper's ablation ladder (vanilla, looped, clp, clp_share, plt) generated on
// one small model (CPU reference engine by default), as one table of time and KV memory per variant.
#include <cstdio>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/model_options.hpp"
#include "engine/core/error.hpp"
#include "engine/runtime/backend_factory.hpp"
#include "engine/runtime/generate.hpp"
#include "engine/runtime/session.hpp"

namespace looplab::cli {
namespace {

struct DemoArgs {
  ModelOptions model;
  std::int64_t batch = 4;
  std::int64_t prompt_len = 32;
  std::int64_t new_tokens = 32;
  std::uint64_t seed = 1;
  std::string backend = "cpu";
  bool json = false;
};

struct Row {
  ModelConfig config;
  Generation gen;
  std::int64_t kv_bytes = 0;
};

Row run_variant(ModelConfig c, Variant v, const DemoArgs& a) {
  c.variant = v;
  validate(c);
  const std::unique_ptr<Backend> backend = make_backend(a.backend);
  Session session(c, random_weights(c, a.seed), *backend, {a.batch, a.prompt_len + a.new_tokens - 1, a.prompt_len});
  Row r{c, generate(session, random_prompts(a.seed, a.batch, a.prompt_len, c.vocab), a.new_tokens), 0};
  r.kv_bytes = session.kv_bytes_allocated();
  return r;
}

int run_demo(const DemoArgs& a) {
  const ModelConfig base = resolve_model(a.model);
  if (a.batch < 1) throw InputError("batch", std::to_string(a.batch) + " must be >= 1");
  if (a.prompt_len < 1) throw InputError("prompt-len", std::to_string(a.prompt_len) + " must be >= 1");
  if (a.new_tokens < 2) throw InputError("new-tokens", std::to_string(a.new_tokens) + " must be >= 2 (one decode step)");

  std::vector<Row> rows;
  for (Variant v : kAllVariants) rows.push_back(run_variant(base, v, a));
  const double vanilla_kv = static_cast<double>(rows.front().kv_bytes);

  if (a.json) {
    nlohmann::json out = {{"model", base.name}, {"batch", a.batch}, {"prompt_len", a.prompt_len},
                          {"new_tokens", a.new_tokens}, {"seed", a.seed}, {"backend", a.backend},
                          {"variants", nlohmann::json::array()}};
    for (const Row& r : rows)
      out["variants"].push_back({{"variant", std::string(to_string(r.config.variant))},
                                 {"loops", r.config.effective_loops()},
                                 {"window", r.config.window},
                                 {"tokens", r.gen.generated.size()},
                                 {"prefill_ms", r.gen.prefill_time_s * 1e3},
                                 {"decode_ms_per_token", r.gen.median_decode_time_s() * 1e3},
                                 {"kv_bytes", r.kv_bytes},
                                 {"kv_vs_vanilla", static_cast<double>(r.kv_bytes) / vanilla_kv}});
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::printf("looplab demo: %s (%lld parameters), batch %lld, prompt %lld, %lld new tokens, %s backend, seed %llu\n",
              base.name.c_str(), (long long)base.parameter_count(), (long long)a.batch, (long long)a.prompt_len,
              (long long)a.new_tokens, a.backend.c_str(), (unsigned long long)a.seed);
  std::printf("%-10s %5s %7s %11s %17s %12s %13s\n", "variant", "loops", "tokens", "prefill ms", "decode ms/token",
              "KV bytes", "KV vs vanilla");
  for (const Row& r : rows)
    std::printf("%-10s %5lld %7zu %11.2f %17.3f %12lld %12.2fx\n", std::string(to_string(r.config.variant)).c_str(),
                (long long)r.config.effective_loops(), r.gen.generated.size(), r.gen.prefill_time_s * 1e3,
                r.gen.median_decode_time_s() * 1e3, (long long)r.kv_bytes, static_cast<double>(r.kv_bytes) / vanilla_kv);
  std::printf("decode ms/token is the median over %lld steps; KV = bytes allocated for %lld positions per sequence (w = %lld for plt)\n",
              (long long)(a.new_tokens - 1), (long long)(a.prompt_len + a.new_tokens - 1), (long long)base.window);
  return 0;
}

Registered register_demo(CLI::App& root) {
  auto* sub = root.add_subcommand("demo", "generate with each of the five variants and compare time and KV memory");
  auto a = std::make_shared<DemoArgs>();
  add_model_options(*sub, a->model, "small");
  sub->add_option("--batch", a->batch, "sequences")->capture_default_str();
  sub->add_option("--prompt-len", a->prompt_len, "prompt tokens per sequence")->capture_default_str();
  sub->add_option("--new-tokens", a->new_tokens, "tokens generated per sequence")->capture_default_str();
  sub->add_option("--seed", a->seed, "seed of the weights and prompts")->capture_default_str();
  sub->add_option("--backend", a->backend, "cpu | cuda")->capture_default_str();
  sub->add_flag("--json", a->json, "machine-readable output");
  return {sub, [a] { return run_demo(*a); }};
}

const Registrar kDemo(register_demo);

}  // namespace
}  // namespace looplab::cli
