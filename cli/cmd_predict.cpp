// `looplab predict`: the simulator's answer for one model variant on one device: decode step
// op by op, prefill, a whole generation, memory and an out-of-memory verdict; `--ladder` runs
// the five variants of the paper's ablation ladder side by side.
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli/commands.hpp"
#include "cli/model_options.hpp"
#include "engine/core/error.hpp"
#include "lab/calibration_store.hpp"
#include "lab/hardware_catalog.hpp"
#include "simulator/format.hpp"
#include "simulator/predict.hpp"
#include "simulator/prediction_json.hpp"

namespace looplab::cli {

namespace {

struct PredictArgs {
  ModelOptions model;
  std::string hardware = "h200";
  std::int64_t batch = 1;
  std::int64_t context = 4096;
  std::int64_t prompt = 0;
  std::int64_t generate = 128;
  std::string launch = "graph";
  std::optional<std::string> engine;
  std::string ceiling = "achievable";
  std::string cost_model = "kernels";
  std::optional<std::string> calibration;
  std::string db = "looplab.db";
  bool json = false, csv = false, all_ops = false, ladder = false, summary = false;
};

CostOptions cost_options(const PredictArgs& a) {
  return parse_cost_options(a.launch, a.ceiling, a.cost_model, a.engine, "cost-model");
}

std::string bound_mix(const CostTotals& t) {
  std::string s;
  for (int b = 0; b < kBoundCount; ++b) {
    if (!s.empty()) s += ", ";
    s += std::string(to_string(static_cast<Bound>(b))) + " " +
         format_percent(t.time_by_bound_s[static_cast<std::size_t>(b)] / t.time_s);
  }
  return s;
}

void print_header(const Prediction& p, const HardwareSpec& hw) {
  const ModelConfig& c = p.config;
  std::printf("%s  %s L=%lld%s  %s  on %s (%s)\n", c.name.c_str(), std::string(to_string(c.variant)).c_str(),
              static_cast<long long>(c.effective_loops()),
              c.variant == Variant::plt ? (" w=" + std::to_string(c.window)).c_str() : "",
              p.hardware_kind == HardwareKind::host ? "f32" : std::string(to_string(c.dtype)).c_str(), hw.name.c_str(),
              hw.description.c_str());
  std::printf("engine %s, %s ceilings, %s\n",
              p.hardware_kind == HardwareKind::host ? "looplab CPU backend" : p.request.cost.engine_name().c_str(),
              std::string(to_string(p.ceiling)).c_str(),
              p.calibration.empty() ? "uncalibrated" : ("calibration " + p.calibration).c_str());
  std::printf("batch %lld, context %lld; weights of a later pass %s L2\n\n", static_cast<long long>(p.request.batch),
              static_cast<long long>(p.request.context), p.stack_weights_in_l2 ? "served from" : "do not fit in");
}

void print_totals_line(const char* label, const CostTotals& t) {
  std::printf("  %-22s %12s  %-12s %-12s weights %-11s act %-11s KV read %-11s KV write %s\n", label,
              format_time(t.time_s).c_str(), format_flops(t.flops).c_str(), format_bytes(t.bytes()).c_str(),
              format_bytes(t.weight_bytes).c_str(), format_bytes(t.activation_bytes).c_str(),
              format_bytes(t.kv_read_bytes).c_str(), format_bytes(t.kv_write_bytes).c_str());
}

void print_text(const Prediction& p, const HardwareSpec& hw, bool all_ops) {
  print_header(p, hw);
  const StepPrediction& d = p.decode;
  std::printf("decode step      %s   %.1f tokens/s   (%s)\n", format_time(d.total.time_s).c_str(),
              p.decode_tokens_per_s, bound_mix(d.total).c_str());
  if (d.total.engine_s > 0)
    std::printf("                 of which %s per step in the engine outside the kernels (host work, launches)\n",
                format_time(d.total.engine_s).c_str());
  std::printf("prefill          %s   (%lld-token prompt, %s)\n", format_time(p.prefill.total.time_s).c_str(),
              static_cast<long long>(p.generation.prompt_tokens), bound_mix(p.prefill.total).c_str());
  if (p.generation.new_tokens > 0)
    std::printf("generate         %s   for %lld tokens after the prompt (prefill %s + decode %s), %.1f tokens/s\n",
                format_time(p.generation.total_s).c_str(), static_cast<long long>(p.generation.new_tokens),
                format_time(p.generation.prefill_s).c_str(), format_time(p.generation.decode_s).c_str(),
                p.generation.tokens_per_s);
  const MemoryPrediction& m = p.memory;
  std::printf("memory           weights %s + KV %s (%lld tokens) + activations %s = %s of %s: %s\n\n",
              format_bytes(static_cast<double>(m.weight_bytes)).c_str(),
              format_bytes(static_cast<double>(m.kv_bytes)).c_str(), static_cast<long long>(m.kv_capacity_tokens),
              format_bytes(static_cast<double>(m.activation_peak_bytes)).c_str(),
              format_bytes(static_cast<double>(m.total_bytes)).c_str(),
              format_bytes(static_cast<double>(m.device_bytes)).c_str(),
              m.verdict == MemoryVerdict::fits ? "fits" : "OUT OF MEMORY");

  std::printf("decode step by op kind:\n");
  for (int k = 0; k < kOpKindCount; ++k) {
    const CostTotals& t = d.by_kind[static_cast<std::size_t>(k)];
    if (t.ops == 0) continue;
    char label[64];
    std::snprintf(label, sizeof label, "%s x%.0f", std::string(to_string(static_cast<OpKind>(k))).c_str(), t.ops);
    print_totals_line(label, t);
  }
  std::printf("decode step by loop:\n");
  for (const LoopTotals& l : d.by_loop) {
    char label[64];
    if (l.loop_lo == l.loop_hi)
      std::snprintf(label, sizeof label, "loop %d", l.loop_lo);
    else
      std::snprintf(label, sizeof label, "loops %d-%d", l.loop_lo, l.loop_hi);
    print_totals_line(label, l.totals);
  }
  print_totals_line("step", d.total);

  std::printf("\ndecode step op by op%s:\n",
              all_ops ? "" : " (layer 0 and the ops outside the stack; --all-ops for all)");
  std::printf("%5s  %-36s %7s %7s %7s %7s %11s %11s %11s  %s\n", "id", "name", "rows", "n", "k", "kv_len", "flops",
              "bytes", "time", "bound");
  for (const OpPrediction& o : d.ops) {
    if (!all_ops && o.op.layer > 0) continue;
    std::printf("%5d  %-36s %7lld %7lld %7lld %7lld %11s %11s %11s  %s\n", o.index, op_name(o.op).c_str(),
                static_cast<long long>(o.op.rows), static_cast<long long>(o.op.n), static_cast<long long>(o.op.k),
                static_cast<long long>(o.op.kv_len), format_flops(o.cost.flops).c_str(),
                format_bytes(o.cost.bytes()).c_str(), format_time(o.cost.time_s).c_str(),
                std::string(to_string(o.cost.bound)).c_str());
  }
}

int run_ladder(const PredictArgs& a, const ModelConfig& base, const HardwareSpec& hw, const Calibration* cal) {
  const std::int64_t L = base.loops > 1 ? base.loops : 2;
  PredictRequest r;
  r.batch = a.batch;
  r.context = a.context;
  r.prompt = a.prompt;
  r.generate = 0;  // KV at the context, as the paper's table
  r.cost = cost_options(a);
  r.detail = OpDetail::totals_only;
  std::vector<Prediction> rows;
  for (Variant v : kAllVariants) {
    ModelConfig c = base;
    c.variant = v;
    c.loops = L;
    rows.push_back(predict(c, hw, r, cal));
  }
  const double van_t = rows[0].decode.total.time_s;
  const auto van_kv = static_cast<double>(rows[0].memory.kv_bytes);
  if (a.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const Prediction& p : rows)
      out.push_back({{"variant", std::string(to_string(p.config.variant))},
                     {"loops", p.config.effective_loops()},
                     {"window", p.config.window},
                     {"batch", p.request.batch},
                     {"context", p.request.context},
                     {"hardware", p.hardware},
                     {"decode_step_s", p.decode.total.time_s},
                     {"vs_vanilla", p.decode.total.time_s / van_t},
                     {"decode_tokens_per_s", p.decode_tokens_per_s},
                     {"kv_bytes", p.memory.kv_bytes},
                     {"kv_vs_vanilla", static_cast<double>(p.memory.kv_bytes) / van_kv},
                     {"bound", std::string(to_string(p.decode.total.dominant_bound()))}});
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::printf("ladder: %s on %s, L=%lld, w=%lld, batch %lld, context %lld (engine %s, %s ceilings%s)\n",
              base.name.c_str(), hw.name.c_str(), static_cast<long long>(L), static_cast<long long>(base.window),
              static_cast<long long>(a.batch), static_cast<long long>(a.context),
              hw.kind == HardwareKind::host ? "CPU backend" : rows[0].request.cost.engine_name().c_str(),
              std::string(to_string(rows[0].ceiling)).c_str(), cal ? ", calibrated" : "");
  std::printf("%-10s %12s %10s %12s %12s %10s  %s\n", "variant", "decode step", "vs vanilla", "tokens/s", "KV bytes",
              "KV ratio", "bound");
  for (const Prediction& p : rows)
    std::printf("%-10s %12s %10.3f %12.1f %12s %10.4f  %s\n", std::string(to_string(p.config.variant)).c_str(),
                format_time(p.decode.total.time_s).c_str(), p.decode.total.time_s / van_t, p.decode_tokens_per_s,
                format_bytes(static_cast<double>(p.memory.kv_bytes)).c_str(),
                static_cast<double>(p.memory.kv_bytes) / van_kv,
                std::string(to_string(p.decode.total.dominant_bound())).c_str());
  return 0;
}

Registered register_predict(CLI::App& root) {
  auto* sub = root.add_subcommand("predict", "predict latency and memory of one model variant on one device");
  auto a = std::make_shared<PredictArgs>();
  add_model_options(*sub, a->model, "plt-paper-dense-1.2b");
  sub->add_option("--hardware", a->hardware,
                  "spec name (data/hardware/NAME.json), a JSON file, or host (the newest quiet host spec of this "
                  "machine in --db; `looplab hardware list`)")
      ->capture_default_str();
  sub->add_option("--batch", a->batch, "sequences")->capture_default_str();
  sub->add_option("--context", a->context, "decode step: keys visible to the new token, itself included")
      ->capture_default_str();
  sub->add_option("--prompt", a->prompt, "prefill length (0: the context)")->capture_default_str();
  sub->add_option("--generate", a->generate, "tokens to generate after the prompt (0: skip)")->capture_default_str();
  sub->add_option("--launch", a->launch, "graph | stream: looplab's engine with CUDA graphs or plain streams")
      ->capture_default_str();
  sub->add_option("--engine", a->engine,
                  "engine profile (data/engines/NAME.json, e.g. vllm, llama.cpp) or a JSON file; default: looplab's "
                  "engine under --launch");
  sub->add_option("--ceiling", a->ceiling, "achievable | measured | datasheet peaks and bandwidth")
      ->capture_default_str();
  sub->add_option("--cost-model", a->cost_model,
                  "kernels: the efficiency model and the engine profile | roofline: max(compute, memory) plus one "
                  "launch per op, the bound no engine beats")
      ->capture_default_str();
  sub->add_option("--calibration", a->calibration,
                  "calibration FILE written by `looplab calibrate`, or its ID in the store (--db)");
  sub->add_option("--db", a->db, "results store holding calibration ids and measured host specs")
      ->capture_default_str();
  sub->add_flag("--ladder", a->ladder, "all five variants (vanilla .. plt) side by side");
  sub->add_flag("--all-ops", a->all_ops, "print every op of the step, not only layer 0");
  sub->add_flag("--json", a->json, "machine-readable output");
  sub->add_flag("--csv", a->csv, "per-op table of the decode step and the prefill as CSV");
  sub->add_flag("--summary", a->summary,
                "with --json: totals and time per op kind only, without the per-op lists (a few kB)");
  return {sub, [a] {
            if (a->json && a->csv) throw InputError("csv", "choose one of --json and --csv");
            if (a->summary && !a->json) throw InputError("summary", "is a form of --json: add --json");
            const ModelConfig c = resolve_model(a->model);
            const HardwareSpec hw = lab::hardware_for_prediction(a->hardware, a->db);
            std::optional<Calibration> cal;
            if (a->calibration) cal = lab::resolve_calibration(*a->calibration, a->db);
            if (a->ladder) return run_ladder(*a, c, hw, cal ? &*cal : nullptr);
            PredictRequest r;
            r.batch = a->batch;
            r.context = a->context;
            r.prompt = a->prompt;
            r.generate = a->generate;
            r.cost = cost_options(*a);
            if (a->summary) r.detail = OpDetail::totals_only;
            const Prediction p = predict(c, hw, r, cal ? &*cal : nullptr);
            if (a->json) {
              std::cout << prediction_to_json(p, a->summary).dump(2) << "\n";
            } else if (a->csv) {
              std::cout << op_csv_header();
              write_op_csv(std::cout, p.decode, "decode");
              write_op_csv(std::cout, p.prefill, "prefill");
            } else {
              print_text(p, hw, a->all_ops);
            }
            return 0;
          }};
}

const Registrar kPredict(register_predict);

}  // namespace
}  // namespace looplab::cli
