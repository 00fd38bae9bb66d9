// `looplab run`: measures one configuration op by op until its median is known well enough,
// stores the measurement with its statistics, the machine's state and the simulator's prediction
// for the same config and hardware, prints measured vs predicted per op kind with the noise
// verdict, and optionally writes a Perfetto trace.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>

#include "cli/commands.hpp"
#include "cli/interrupt.hpp"
#include "cli/measure_options.hpp"
#include "cli/model_options.hpp"
#include "cli/run_report.hpp"
#include "engine/core/atomic_file.hpp"
#include "engine/core/error.hpp"
#include "lab/measure.hpp"
#include "lab/run_trace.hpp"
#include "store/store.hpp"

namespace looplab::cli {
namespace {

struct RunArgs {
  ModelOptions model;
  lab::MeasureRequest req;
  MeasureOptions measure;
  std::string db = "looplab.db";
  std::optional<std::string> trace;
  bool json = false;
};

int run(RunArgs& a) {
  a.req.config = resolve_model(a.model);
  a.measure.apply(a.req);
  lab::validate_request(a.req);  // every field checked before the store is opened
  if (a.trace && a.trace->empty()) throw InputError("trace", "give a file name (for example run.json.gz)");
  if (a.trace) check_output_path(*a.trace, "trace");  // before measuring, not after
  auto store = store::open_store(a.db, store::OpenMode::read_write);
  InterruptGuard guard;
  const bool quiet = a.json;
  auto say = [quiet](const std::string& line) {
    if (!quiet) std::fprintf(stderr, "looplab: %s\n", line.c_str());
  };
  const bool tty = isatty(STDERR_FILENO) && !quiet;
  lab::MeasureResult m = lab::measure_and_store(*store, a.req, &guard.flag(), say, repeat_progress(tty));
  if (tty) std::fprintf(stderr, "\n");
  const bool interrupted = m.info.status == store::RunStatus::interrupted;
  std::optional<lab::TraceExportStats> trace;
  if (a.trace) trace = lab::export_run_trace(*store, m.info.id, *a.trace);

  if (a.json) {
    nlohmann::json out = {{"run", run_info_json(m.info)},
                          {"db", a.db},
                          {"hardware_source", m.hardware_note},
                          {"warnings", m.warnings},
                          {"table", kind_table_json(m.table)}};
    if (trace) out["trace"] = {{"file", *a.trace}, {"events", trace->events}};
    std::cout << out.dump(2) << "\n";
  } else {
    std::printf("%s\n", run_headline(m.info).c_str());
    std::printf("device: %s; prediction: %s spec (%s)\n", m.info.device_name.c_str(), m.info.hardware.c_str(),
                m.hardware_note.c_str());
    print_run_quality(m.info);
    print_kind_table(m.table);
    std::printf("stored as run %lld in %s", (long long)m.info.id, a.db.c_str());
    if (trace)
      std::printf("; trace %s (%lld events, open in ui.perfetto.dev)", a.trace->c_str(), (long long)trace->events);
    std::printf("\n");
    for (const std::string& w : m.warnings) std::printf("note: %s\n", w.c_str());
    if (m.info.stats.verdict != "quiet")
      std::printf("note: this run is %s: compare its numbers with care (%s)\n", m.info.stats.verdict.c_str(),
                  m.info.stats.verdict_reason.c_str());
  }
  if (interrupted) {
    std::fprintf(stderr, "looplab: interrupted: run %lld is stored as incomplete (%s)\n", (long long)m.info.id,
                 m.info.error.c_str());
    return kInterruptedExit;
  }
  return 0;
}

Registered register_run(CLI::App& root) {
  auto* sub = root.add_subcommand("run",
                                  "measure a configuration op by op, store it with its prediction, print "
                                  "measured vs predicted with its noise verdict");
  auto a = std::make_shared<RunArgs>();
  add_model_options(*sub, a->model, "small");
  sub->add_option("--backend", a->req.backend, "auto (CUDA when built in and a device exists, else CPU) | cpu | cuda")
      ->capture_default_str();
  sub->add_option("--batch", a->req.batch, "B: sequences")->capture_default_str();
  sub->add_option("--prompt-len", a->req.prompt_len, "P: prompt tokens per sequence (the measured prefill)")
      ->capture_default_str();
  sub->add_option("--decode-steps", a->req.decode_steps, "measured decode steps after the prefill")
      ->capture_default_str();
  add_measure_options(*sub, a->req, a->measure);
  sub->add_option("--seed", a->req.seed, "seed of the random weights and prompts")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  sub->add_option("--label", a->req.label, "label stored with the run")->capture_default_str();
  sub->add_option("--hardware", a->req.hardware,
                  "hardware spec for the prediction (name in data/hardware, a file, or host); default: the host spec "
                  "on CPU, the spec matching the GPU");
  sub->add_option("--calibration", a->req.calibration,
                  "calibration for the prediction: a file of `looplab calibrate`, or a calibration id in --db");
  sub->add_option("--kernels", a->req.kernels,
                  "reference | fused: the CUDA backend's fused decode path as far as it exists (so far the skinny "
                  "GEMM for up to 16 rows); stored as backend cuda+fused")
      ->capture_default_str();
  sub->add_flag(
      "--cuda-graphs", a->req.cuda_graphs,
      "replay CUDA decode steps from graphs (faster; kernels are attributed to ops through their graph nodes)");
  sub->add_option("--db", a->db, "results store (SQLite file)")->capture_default_str();
  sub->add_option("--trace", a->trace, "also write a Perfetto trace (.json.gz) of the run");
  sub->add_flag("--json", a->json, "machine-readable output");
  return {sub, [a] { return run(*a); }};
}

const Registrar kRun(register_run);

}  // namespace
}  // namespace looplab::cli
