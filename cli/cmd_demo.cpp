// `looplab demo`: the paper's ablation ladder (vanilla, looped, clp, clp_share, plt) on one small
// model: each variant predicted by the simulator and measured op by op on the available backend,
// stored in the results store, shown as one table of time and KV memory per variant with the
// prediction beside the measurement, plus a Perfetto trace of all five side by side.
#include <cstdio>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/model_options.hpp"
#include "cli/run_measure.hpp"
#include "cli/run_report.hpp"
#include "engine/core/error.hpp"
#include "store/run_trace.hpp"
#include "store/store.hpp"

namespace looplab::cli {
namespace {

struct DemoArgs {
  ModelOptions model;
  std::int64_t batch = 4;
  std::int64_t prompt_len = 32;
  std::int64_t new_tokens = 32;
  std::int64_t repeats = 3;
  std::int64_t warmup = 1;
  std::uint64_t seed = 1;
  std::string backend = "auto";
  std::optional<std::string> hardware;
  std::string db = "looplab.db";
  std::string trace = "looplab-demo.json.gz";
  bool no_trace = false;
  bool json = false;
};

std::string pct(const std::optional<double>& predicted, const std::optional<double>& measured) {
  if (!predicted || !measured || *measured <= 0) return "-";
  char b[32];
  std::snprintf(b, sizeof b, "%+.1f%%", (*predicted - *measured) / *measured * 100.0);
  return b;
}

double ms(const std::optional<double>& s) { return s ? *s * 1e3 : 0.0; }

int run_demo(const DemoArgs& a) {
  const ModelConfig base = resolve_model(a.model);
  if (a.new_tokens < 2) throw InputError("new-tokens", std::to_string(a.new_tokens) + " must be >= 2 (one decode step)");
  auto store = store::open_store(a.db, store::OpenMode::read_write);
  InterruptGuard guard;

  std::vector<MeasureResult> rows;
  for (Variant v : kAllVariants) {
    MeasureRequest req;
    req.config = base;
    req.config.variant = v;
    req.backend = a.backend;
    req.batch = a.batch;
    req.prompt_len = a.prompt_len;
    req.decode_steps = a.new_tokens - 1;  // the prefill makes the first token
    req.warmup = a.warmup;
    req.repeats = a.repeats;
    req.seed = a.seed;
    req.label = "demo";
    req.hardware = a.hardware;
    req.quiet = a.json;
    if (!a.json) std::fprintf(stderr, "looplab demo: measuring %s\n", std::string(to_string(v)).c_str());
    rows.push_back(measure_and_store(*store, req, &guard.flag()));
    if (rows.back().info.status == store::RunStatus::interrupted) {
      std::fprintf(stderr, "looplab: interrupted: run %lld is stored as incomplete; the demo stops here\n",
                   (long long)rows.back().info.id);
      return kInterruptedExit;
    }
  }
  std::vector<store::RunId> ids;
  for (const auto& r : rows) ids.push_back(r.info.id);
  std::optional<store::TraceExportStats> trace;
  if (!a.no_trace) trace = store::export_runs_trace(*store, ids, a.trace);
  const double vanilla_kv = static_cast<double>(rows.front().kv_bytes);
  const MeasureResult& first = rows.front();
  const std::int64_t tokens = a.batch * a.new_tokens;

  if (a.json) {
    nlohmann::json out = {{"model", base.name},       {"batch", a.batch},     {"prompt_len", a.prompt_len},
                          {"new_tokens", a.new_tokens}, {"seed", a.seed},     {"backend", first.info.backend},
                          {"repeats", a.repeats},     {"db", a.db},           {"hardware", first.info.hardware},
                          {"hardware_source", first.hardware_note},           {"variants", nlohmann::json::array()}};
    if (trace) out["trace"] = {{"file", a.trace}, {"events", trace->events}};
    for (const MeasureResult& r : rows) {
      const auto& s = r.info.stats;
      out["variants"].push_back({{"variant", r.info.variant},
                                 {"run", r.info.id},
                                 {"loops", r.info.loops},
                                 {"tokens", tokens},
                                 {"prefill_ms", ms(s.prefill_median_s)},
                                 {"decode_ms_per_token", ms(s.decode_median_s)},
                                 {"predicted_prefill_ms", ms(s.predicted_prefill_s)},
                                 {"predicted_decode_ms_per_token", ms(s.predicted_decode_s)},
                                 {"kv_bytes", r.kv_bytes},
                                 {"kv_vs_vanilla", static_cast<double>(r.kv_bytes) / vanilla_kv},
                                 {"table", kind_table_json(r.table)}});
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::printf("looplab demo: %s (%lld parameters), batch %lld, prompt %lld, %lld new tokens, %s backend, seed %llu\n",
              base.name.c_str(), (long long)base.parameter_count(), (long long)a.batch, (long long)a.prompt_len,
              (long long)a.new_tokens, first.info.backend.c_str(), (unsigned long long)a.seed);
  std::printf("prediction: %s spec (%s)\n\n", first.info.hardware.c_str(), first.hardware_note.c_str());
  std::printf("%-10s %5s %7s %11s %17s %12s %13s %14s %8s %5s\n", "variant", "loops", "tokens", "prefill ms",
              "decode ms/token", "KV bytes", "KV vs vanilla", "predicted dec.", "error", "run");
  for (const MeasureResult& r : rows) {
    const auto& s = r.info.stats;
    std::printf("%-10s %5lld %7lld %11.2f %17.3f %12lld %12.2fx %14.3f %8s %5lld\n", r.info.variant.c_str(),
                (long long)r.info.loops, (long long)tokens, ms(s.prefill_median_s), ms(s.decode_median_s),
                (long long)r.kv_bytes, static_cast<double>(r.kv_bytes) / vanilla_kv, ms(s.predicted_decode_s),
                pct(s.predicted_decode_s, s.decode_median_s).c_str(), (long long)r.info.id);
  }
  std::printf("prefill and decode ms are medians over %lld repeats (and %lld decode steps); KV = bytes allocated for %lld "
              "positions per sequence (w = %lld for plt); error = (predicted - measured) / measured\n",
              (long long)a.repeats, (long long)(a.new_tokens - 1), (long long)(a.prompt_len + a.new_tokens - 1),
              (long long)base.window);
  std::printf("\nplt, measured vs predicted per op kind (run %lld):\n", (long long)rows.back().info.id);
  print_kind_table(rows.back().table);
  std::printf("\nstored as runs %lld..%lld in %s (`looplab runs list --db %s`)", (long long)ids.front(),
              (long long)ids.back(), a.db.c_str(), a.db.c_str());
  if (trace) std::printf("; trace of all five: %s (open in ui.perfetto.dev)", a.trace.c_str());
  std::printf("\n");
  return 0;
}

Registered register_demo(CLI::App& root) {
  auto* sub = root.add_subcommand("demo", "predict and measure the five variants, store them, compare time and KV "
                                          "memory, write a trace");
  auto a = std::make_shared<DemoArgs>();
  add_model_options(*sub, a->model, "small");
  sub->add_option("--batch", a->batch, "sequences")->capture_default_str();
  sub->add_option("--prompt-len", a->prompt_len, "prompt tokens per sequence")->capture_default_str();
  sub->add_option("--new-tokens", a->new_tokens, "tokens generated per sequence")->capture_default_str();
  sub->add_option("--repeat", a->repeats, "measured repetitions per variant")->capture_default_str();
  sub->add_option("--warmup", a->warmup, "unmeasured repetitions first")->capture_default_str();
  sub->add_option("--seed", a->seed, "seed of the weights and prompts")->capture_default_str();
  sub->add_option("--backend", a->backend, "auto (CUDA when available, else CPU) | cpu | cuda")->capture_default_str();
  sub->add_option("--hardware", a->hardware, "hardware spec for the predictions (default: host spec or the GPU's)");
  sub->add_option("--db", a->db, "results store (SQLite file)")->capture_default_str();
  sub->add_option("--trace", a->trace, "Perfetto trace of the five runs")->capture_default_str();
  sub->add_flag("--no-trace", a->no_trace, "do not write the trace");
  sub->add_flag("--json", a->json, "machine-readable output");
  return {sub, [a] { return run_demo(*a); }};
}

const Registrar kDemo(register_demo);

}  // namespace
}  // namespace looplab::cli
