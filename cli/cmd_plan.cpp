// `looplab presets` lists the model presets; `looplab plan` prints the step plan of one step.
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/model_options.hpp"
#include "engine/core/error.hpp"
#include "engine/core/kv.hpp"
#include "engine/core/plan.hpp"

namespace looplab::cli {

namespace {

Registered register_presets(CLI::App& root) {
  auto* sub = root.add_subcommand("presets", "list the model presets in data/models");
  auto json_out = std::make_shared<bool>(false);
  sub->add_flag("--json", *json_out, "machine-readable output");
  return {sub, [json_out] {
            nlohmann::json all = nlohmann::json::array();
            if (!*json_out)
              std::printf("%-22s %6s %6s %5s %5s %6s %7s %8s %12s\n", "preset", "layers", "hidden", "heads", "kv",
                          "hdim", "ffn", "vocab", "params");
            int broken = 0;
            for (const auto& name : preset_names()) {
              ModelConfig c;
              try {
                c = load_model(name);
              } catch (const InputError& e) {
                // One broken file in data/models must not hide the others: say so and go on.
                std::fprintf(stderr, "looplab: warning: preset %s skipped: %s\n", name.c_str(), e.what());
                ++broken;
                continue;
              }
              if (*json_out) {
                all.push_back(config_to_json(c));
                all.back()["parameters"] = c.parameter_count();
              } else {
                std::printf("%-22s %6lld %6lld %5lld %5lld %6lld %7lld %8lld %12lld\n", name.c_str(),
                            (long long)c.layers, (long long)c.hidden, (long long)c.heads, (long long)c.kv_heads,
                            (long long)c.head_dim, (long long)c.ffn, (long long)c.vocab,
                            (long long)c.parameter_count());
              }
            }
            if (*json_out) std::cout << all.dump(2) << "\n";
            return broken ? 1 : 0;
          }};
}

struct PlanArgs {
  ModelOptions model;
  std::string phase = "decode";
  std::int64_t batch = 1;
  std::int64_t context = 128;
  bool json = false;
};

Registered register_plan(CLI::App& root) {
  auto* sub = root.add_subcommand("plan", "print the ordered ops of one prefill or decode step");
  auto a = std::make_shared<PlanArgs>();
  add_model_options(*sub, a->model);
  sub->add_option("--phase", a->phase, "prefill | decode")->capture_default_str();
  sub->add_option("--batch", a->batch, "sequences")->capture_default_str();
  sub->add_option("--context", a->context, "decode: keys visible to the new token; prefill: prompt length")
      ->capture_default_str();
  sub->add_flag("--json", a->json, "machine-readable output");
  return {sub, [a] {
            ModelConfig c = resolve_model(a->model);
            if (a->phase != "prefill" && a->phase != "decode")
              throw InputError("phase", "'" + a->phase + "' is not one of prefill, decode");
            StepShape s{a->phase == "prefill" ? Phase::prefill : Phase::decode, a->batch, a->context};
            StepPlan p = plan_step(c, s);
            if (a->json) {
              nlohmann::json ops = nlohmann::json::array();
              for (std::size_t i = 0; i < p.ops.size(); ++i) {
                const OpDesc& o = p.ops[i];
                ops.push_back({{"id", i},
                               {"name", op_name(o)},
                               {"kind", std::string(to_string(o.kind))},
                               {"layer", o.layer},
                               {"loop_lo", o.loop_lo},
                               {"loop_hi", o.loop_hi},
                               {"pass", o.pass},
                               {"rows", o.rows},
                               {"n", o.n},
                               {"k", o.k},
                               {"seqs", o.seqs},
                               {"q_per_seq", o.q_per_seq},
                               {"kv_rows", o.kv_rows},
                               {"kv_len", o.kv_len},
                               {"kv_sets", o.kv_sets},
                               {"kv", std::string(to_string(o.kv))},
                               {"causal", o.causal}});
              }
              nlohmann::json out = {{"config", config_to_json(c)},
                                    {"phase", std::string(to_string(s.phase))},
                                    {"batch", s.batch},
                                    {"context", s.context_len},
                                    {"passes", p.passes},
                                    {"ops", ops}};
              std::cout << out.dump(2) << "\n";
              return 0;
            }
            std::printf("%s %s L=%lld: %zu ops in %d dependent pass(es)\n", c.name.c_str(),
                        std::string(to_string(c.variant)).c_str(), (long long)p.loops, p.ops.size(), p.passes);
            std::printf("%5s  %-34s %8s %8s %8s %6s %8s %9s\n", "id", "name", "rows", "n", "k", "q/seq", "kv_len",
                        "kv");
            for (std::size_t i = 0; i < p.ops.size(); ++i) {
              const OpDesc& o = p.ops[i];
              std::printf("%5zu  %-34s %8lld %8lld %8lld %6lld %8lld %9s\n", i, op_name(o).c_str(), (long long)o.rows,
                          (long long)o.n, (long long)o.k, (long long)o.q_per_seq, (long long)o.kv_len,
                          std::string(to_string(o.kv)).c_str());
            }
            return 0;
          }};
}

const Registrar kPresets(register_presets);
const Registrar kPlan(register_plan);

}  // namespace
}  // namespace looplab::cli
