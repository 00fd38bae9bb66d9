// `looplab run`: measures one configuration op by op on the best backend, stores the measurement
// and the simulator's prediction for the same config and hardware, prints measured vs predicted
// per op kind, and optionally writes a Perfetto trace.
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>

#include "cli/commands.hpp"
#include "cli/model_options.hpp"
#include "cli/run_measure.hpp"
#include "cli/run_report.hpp"
#include "engine/core/error.hpp"
#include "store/run_trace.hpp"
#include "store/store.hpp"

namespace looplab::cli {
namespace {

struct RunArgs {
  ModelOptions model;
  MeasureRequest req;
  std::string db = "looplab.db";
  std::optional<std::string> trace;
  bool json = false;
};

int run(RunArgs& a) {
  a.req.config = resolve_model(a.model);
  if (a.trace && a.trace->empty()) throw InputError("trace", "give a file name (for example run.json.gz)");
  auto store = store::open_store(a.db, store::OpenMode::read_write);
  InterruptGuard guard;
  a.req.quiet = a.json;
  MeasureResult m = measure_and_store(*store, a.req, &guard.flag());
  const bool interrupted = m.info.status == store::RunStatus::interrupted;
  std::optional<store::TraceExportStats> trace;
  if (a.trace) trace = store::export_run_trace(*store, m.info.id, *a.trace);

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
    print_kind_table(m.table);
    std::printf("measured = median over repeats%s of each kind's time per step; error = (predicted - measured) / "
                "measured\n",
                a.req.decode_steps > 1 ? " and decode steps" : "");
    std::printf("stored as run %lld in %s", (long long)m.info.id, a.db.c_str());
    if (trace) std::printf("; trace %s (%lld events, open in ui.perfetto.dev)", a.trace->c_str(), (long long)trace->events);
    std::printf("\n");
  }
  if (interrupted) {
    std::fprintf(stderr, "looplab: interrupted: run %lld is stored as incomplete (%s)\n", (long long)m.info.id,
                 m.info.error.c_str());
    return kInterruptedExit;
  }
  return 0;
}

Registered register_run(CLI::App& root) {
  auto* sub = root.add_subcommand("run", "measure a configuration op by op, store it with its prediction, print "
                                         "measured vs predicted");
  auto a = std::make_shared<RunArgs>();
  add_model_options(*sub, a->model, "small");
  sub->add_option("--backend", a->req.backend, "auto (CUDA when built in and a device exists, else CPU) | cpu | cuda")
      ->capture_default_str();
  sub->add_option("--batch", a->req.batch, "B: sequences")->capture_default_str();
  sub->add_option("--prompt-len", a->req.prompt_len, "P: prompt tokens per sequence (the measured prefill)")
      ->capture_default_str();
  sub->add_option("--decode-steps", a->req.decode_steps, "measured decode steps after the prefill")
      ->capture_default_str();
  sub->add_option("--repeat", a->req.repeats, "measured repetitions of prefill + decode steps (median, p10, p90)")
      ->capture_default_str();
  sub->add_option("--warmup", a->req.warmup, "repetitions run first and not stored")->capture_default_str();
  sub->add_option("--seed", a->req.seed, "seed of the random weights and prompts")->capture_default_str();
  sub->add_option("--label", a->req.label, "label stored with the run")->capture_default_str();
  sub->add_option("--hardware", a->req.hardware,
                  "hardware spec for the prediction (name in data/hardware or a file); default: the host spec on "
                  "CPU, the spec matching the GPU");
  sub->add_option("--calibration", a->req.calibration, "calibration file for the prediction (looplab calibrate)");
  sub->add_flag("--cuda-graphs", a->req.cuda_graphs,
                "replay CUDA decode steps from graphs (faster; kernels are then not attributed to ops)");
  sub->add_option("--db", a->db, "results store (SQLite file)")->capture_default_str();
  sub->add_option("--trace", a->trace, "also write a Perfetto trace (.json.gz) of the run");
  sub->add_flag("--json", a->json, "machine-readable output");
  return {sub, [a] { return run(*a); }};
}

const Registrar kRun(register_run);

}  // namespace
}  // namespace looplab::cli
