// `looplab demo`: the paper's ablation ladder (vanilla, looped, clp, clp_share, plt) on one small
// model: each variant measured op by op on the available backend until its medians are known
// (or the time budget is spent), predicted by the simulator uncalibrated and calibrated on the
// other four variants only, stored in the results store, shown as one table of time and KV memory
// per variant with each noise verdict, plus a Perfetto trace of all five side by side. A ratio
// between noisy measurements is marked as such.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/interrupt.hpp"
#include "cli/measure_options.hpp"
#include "cli/model_options.hpp"
#include "cli/run_report.hpp"
#include "engine/core/atomic_file.hpp"
#include "engine/core/error.hpp"
#include "lab/held_out.hpp"
#include "lab/measure.hpp"
#include "lab/run_trace.hpp"
#include "store/store.hpp"

namespace looplab::cli {
namespace {

struct DemoArgs {
  ModelOptions model;
  lab::MeasureRequest req;
  MeasureOptions measure;
  std::int64_t new_tokens = 32;
  std::string db = "looplab.db";
  std::string trace = "looplab-demo.json.gz";
  bool no_trace = false;
  bool json = false;
};

double ms(const std::optional<double>& s) { return s ? *s * 1e3 : 0.0; }

HardwareSpec load_run_spec(const store::RunInfo& r) {
  return hardware_from_json(nlohmann::json::parse(r.hardware_json), r.hardware, "run " + std::to_string(r.id));
}

// "1.23x" measured against vanilla; "1.23x?" when either run is not quiet.
std::string ratio_text(const store::RunInfo& r, const store::RunInfo& vanilla) {
  const auto& a = r.stats.decode.median_s;
  const auto& b = vanilla.stats.decode.median_s;
  if (!a || !b || *b <= 0) return "-";
  char buf[32];
  const bool noisy = r.stats.verdict != "quiet" || vanilla.stats.verdict != "quiet";
  std::snprintf(buf, sizeof buf, "%.2fx%s", *a / *b, noisy ? "?" : "");
  return buf;
}

std::string half_width(const store::PhaseStats& p) {
  if (!p.median_s || !p.ci_lo_s || !p.ci_hi_s || *p.median_s <= 0) return "-";
  char b[32];
  std::snprintf(b, sizeof b, "+-%.1f%%", 100 * (*p.ci_hi_s - *p.ci_lo_s) / 2 / *p.median_s);
  return b;
}

int run_demo(DemoArgs& a) {
  const ModelConfig base = resolve_model(a.model);
  if (a.new_tokens < 2)
    throw InputError("new-tokens", std::to_string(a.new_tokens) + " must be >= 2 (one decode step)");
  a.measure.apply(a.req);
  a.req.decode_steps = a.new_tokens - 1;  // the prefill makes the first token
  a.req.label = "demo";
  a.req.config = base;
  lab::validate_request(a.req);  // every field checked before the store is opened
  if (!a.no_trace) check_output_path(a.trace, "trace");
  auto store = store::open_store(a.db, store::OpenMode::read_write);
  InterruptGuard guard;
  auto say = [&a](const std::string& line) {
    if (!a.json) std::fprintf(stderr, "looplab: %s\n", line.c_str());
  };
  const bool tty = isatty(STDERR_FILENO) && !a.json;

  std::vector<lab::MeasureResult> rows;
  for (Variant v : kAllVariants) {
    lab::MeasureRequest req = a.req;
    // One hardware spec and one thread count for all five (a host spec measured at most once;
    // the CPUs' load sampled once), so the variants are compared on the same configuration.
    if (!rows.empty()) {
      req.resolved = lab::HardwareChoice{load_run_spec(rows.front().info), rows.front().hardware_note, {}};
      req.threads = std::to_string(rows.front().info.threads);
    }
    req.config.variant = v;
    say("demo: measuring " + std::string(to_string(v)));
    rows.push_back(lab::measure_and_store(*store, req, &guard.flag(), say, repeat_progress(tty)));
    if (tty) std::fprintf(stderr, "\n");
    if (rows.back().info.status == store::RunStatus::interrupted) {
      std::fprintf(stderr, "looplab: interrupted: run %lld is stored as incomplete; the demo stops here\n",
                   (long long)rows.back().info.id);
      return kInterruptedExit;
    }
  }
  std::vector<store::RunId> ids;
  ids.reserve(rows.size());
  for (const auto& r : rows) ids.push_back(r.info.id);
  say("demo: calibrating each variant's prediction on the other four");
  const std::vector<lab::RunHeldOut> held = lab::predict_each_from_the_others(*store, ids);
  std::optional<lab::TraceExportStats> trace;
  if (!a.no_trace) trace = lab::export_runs_trace(*store, ids, a.trace);
  const double vanilla_kv = static_cast<double>(rows.front().kv_bytes);
  const store::RunInfo& vanilla = rows.front().info;
  const std::int64_t tokens = a.req.batch * a.new_tokens;
  bool any_noisy = false;
  for (const auto& r : rows) any_noisy = any_noisy || r.info.stats.verdict != "quiet";

  if (a.json) {
    const lab::MeasureResult& first = rows.front();
    nlohmann::json notes = nlohmann::json::array();
    for (const auto& r : rows)
      for (const std::string& w : r.warnings)
        if (std::find(notes.begin(), notes.end(), w) == notes.end()) notes.push_back(w);
    nlohmann::json out = {{"notes", notes},
                          {"model", base.name},
                          {"batch", a.req.batch},
                          {"prompt_len", a.req.prompt_len},
                          {"new_tokens", a.new_tokens},
                          {"seed", a.req.seed},
                          {"backend", first.info.backend},
                          {"db", a.db},
                          {"hardware", first.info.hardware},
                          {"hardware_source", first.hardware_note},
                          {"variants", nlohmann::json::array()}};
    if (trace) out["trace"] = {{"file", a.trace}, {"events", trace->events}};
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const lab::MeasureResult& r = rows[i];
      const auto& s = r.info.stats;
      auto opt = [](const std::optional<double>& v) { return v ? nlohmann::json(*v * 1e3) : nlohmann::json(); };
      out["variants"].push_back(
          {{"variant", r.info.variant},
           {"run", r.info.id},
           {"loops", r.info.loops},
           {"tokens", tokens},
           {"verdict", s.verdict},
           {"verdict_reason", s.verdict_reason},
           {"repeats", r.info.repeats},
           {"prefill_ms", opt(s.prefill.median_s)},
           {"decode_ms_per_token", opt(s.decode.median_s)},
           {"decode_ci_ms", {opt(s.decode.ci_lo_s), opt(s.decode.ci_hi_s)}},
           {"decode_vs_vanilla", s.decode.median_s && vanilla.stats.decode.median_s
                                     ? nlohmann::json(*s.decode.median_s / *vanilla.stats.decode.median_s)
                                     : nlohmann::json()},
           {"decode_vs_vanilla_noisy", s.verdict != "quiet" || vanilla.stats.verdict != "quiet"},
           {"predicted_prefill_ms", opt(s.predicted_prefill_s)},
           {"predicted_decode_ms_per_token", opt(s.predicted_decode_s)},
           {"calibrated_decode_ms_per_token", opt(held[i].decode_s)},
           {"calibrated_prefill_ms", opt(held[i].prefill_s)},
           {"calibration", "fitted on the other four variants' runs only"},
           {"kv_bytes", r.kv_bytes},
           {"kv_vs_vanilla", static_cast<double>(r.kv_bytes) / vanilla_kv},
           {"table", kind_table_json(r.table)}});
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  const lab::MeasureResult& first = rows.front();
  std::printf(
      "looplab demo: %s (%lld parameters), batch %lld, prompt %lld, %lld new tokens, %s backend, %lld threads, "
      "seed %llu\n",
      base.name.c_str(), (long long)base.parameter_count(), (long long)a.req.batch, (long long)a.req.prompt_len,
      (long long)a.new_tokens, first.info.backend.c_str(), (long long)first.info.threads,
      (unsigned long long)a.req.seed);
  std::printf("prediction: %s spec (%s)\n\n", first.info.hardware.c_str(), first.hardware_note.c_str());
  const char* fmt = "%-10s %5s %10s %10s %8s %-9s %9s %10s %8s %10s %8s %6s %5s\n";
  std::printf(fmt, "variant", "loops", "prefill ms", "decode ms", "+-95%", "verdict", "vs vanil.", "predicted", "error",
              "calibrated", "error", "KV", "run");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const lab::MeasureResult& r = rows[i];
    const auto& s = r.info.stats;
    char pre[32], dec[32], pred[32], cal[32], kv[32];
    std::snprintf(pre, sizeof pre, "%.2f", ms(s.prefill.median_s));
    std::snprintf(dec, sizeof dec, "%.3f", ms(s.decode.median_s));
    std::snprintf(pred, sizeof pred, "%.3f", ms(s.predicted_decode_s));
    std::snprintf(cal, sizeof cal, "%.3f", ms(held[i].decode_s));
    std::snprintf(kv, sizeof kv, "%.2fx", static_cast<double>(r.kv_bytes) / vanilla_kv);
    std::printf(fmt, r.info.variant.c_str(), std::to_string(r.info.loops).c_str(), pre, dec,
                half_width(s.decode).c_str(), s.verdict.c_str(), ratio_text(r.info, vanilla).c_str(), pred,
                error_pct(s.predicted_decode_s, s.decode.median_s).c_str(), held[i].decode_s ? cal : "-",
                error_pct(held[i].decode_s, s.decode.median_s).c_str(), kv, std::to_string(r.info.id).c_str());
  }
  std::printf(
      "decode ms = median per token over every decode step of every repeat, +-95%% = half-width of its "
      "bootstrap interval; predicted = uncalibrated roofline; calibrated = fitted on the other four "
      "variants' runs, never on the one it predicts; error = (predicted - measured) / measured; KV = bytes "
      "allocated vs vanilla\n");
  if (any_noisy)
    std::printf(
        "note: '?' marks a ratio between runs not both quiet: the machine's noise is in it (see each run's "
        "verdict with `looplab runs show ID`); on an idle machine, or with a larger --max-time, it tightens\n");
  std::printf("\nplt, measured vs predicted per op kind (run %lld):\n", (long long)rows.back().info.id);
  print_run_quality(rows.back().info);
  print_kind_table(rows.back().table);
  std::printf("\nstored as runs %lld..%lld in %s (`looplab runs list --db %s`)", (long long)ids.front(),
              (long long)ids.back(), a.db.c_str(), a.db.c_str());
  if (trace) std::printf("; trace of all five: %s (open in ui.perfetto.dev)", a.trace.c_str());
  std::printf("\n");
  std::vector<std::string> notes;
  for (const auto& r : rows)
    for (const std::string& w : r.warnings)
      if (std::find(notes.begin(), notes.end(), w) == notes.end()) notes.push_back(w);
  for (const std::string& n : notes) std::printf("note: %s\n", n.c_str());
  return 0;
}

Registered register_demo(CLI::App& root) {
  auto* sub = root.add_subcommand("demo",
                                  "measure and predict the five variants, store them, compare time and KV "
                                  "memory, write a trace");
  auto a = std::make_shared<DemoArgs>();
  a->req.batch = 4;
  a->req.repeats = 5;
  add_model_options(*sub, a->model, "small");
  sub->add_option("--batch", a->req.batch, "sequences")->capture_default_str();
  sub->add_option("--prompt-len", a->req.prompt_len, "prompt tokens per sequence")->capture_default_str();
  sub->add_option("--new-tokens", a->new_tokens, "tokens generated per sequence")->capture_default_str();
  add_measure_options(*sub, a->req, a->measure);
  sub->add_option("--seed", a->req.seed, "seed of the weights and prompts")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  sub->add_option("--backend", a->req.backend, "auto (CUDA when available, else CPU) | cpu | cuda")
      ->capture_default_str();
  sub->add_option("--hardware", a->req.hardware, "hardware spec for the predictions (default: host spec or the GPU's)");
  sub->add_option("--db", a->db, "results store (SQLite file)")->capture_default_str();
  sub->add_option("--trace", a->trace, "Perfetto trace of the five runs")->capture_default_str();
  sub->add_flag("--no-trace", a->no_trace, "do not write the trace");
  sub->add_flag("--json", a->json, "machine-readable output");
  return {sub, [a] { return run_demo(*a); }};
}

const Registrar kDemo(register_demo);

}  // namespace
}  // namespace looplab::cli
