// measure_and_store(): backend, hardware spec and calibration resolved first; tracer and NVTX
// observers; warm-up; measured repeats under the repetition policy with the machine's state
// around them; the prediction of the same steps; the run's statistics and verdict.
#include "lab/measure.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <memory>

#include "engine/core/error.hpp"
#include "engine/core/memory_check.hpp"
#include "engine/runtime/backend_factory.hpp"
#include "engine/runtime/generate.hpp"
#include "engine/runtime/session.hpp"
#include "lab/backend_choice.hpp"
#include "lab/calibration_store.hpp"
#include "lab/capture_rows.hpp"
#include "lab/machine_state.hpp"
#include "lab/stats.hpp"
#include "profiler/environment.hpp"
#include "profiler/make_tracer.hpp"
#include "profiler/nvtx.hpp"
#include "profiler/observer_list.hpp"
#include "simulator/calibration.hpp"
#include "simulator/op_cost.hpp"
#include "simulator/predict.hpp"

namespace looplab::lab {

namespace {

std::string fraction_text(double f) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f%%", 100 * f);
  return b;
}

}  // namespace

void validate_request(const MeasureRequest& req) {
  validate(req.config);
  auto at_least = [](const char* field, std::int64_t v, std::int64_t lo) {
    if (v < lo) throw InputError(field, std::to_string(v) + " must be >= " + std::to_string(lo));
  };
  at_least("batch", req.batch, 1);
  at_least("prompt-len", req.prompt_len, 1);
  at_least("decode-steps", req.decode_steps, 1);
  at_least("warmup", req.warmup, 0);
  if (req.warmup > 1000) throw InputError("warmup", std::to_string(req.warmup) + " is above the limit of 1000 passes");
  at_least("repeat", req.repeats, 1);
  // InputError("threads", ...) when it is none of them, or a count the allowed CPUs cannot carry
  if (const ThreadPolicy tp = parse_thread_policy(req.threads); tp.kind == ThreadPolicy::Kind::fixed)
    (void)choose_cpu_threads(tp);
  if (req.repeats > req.max_repeats)
    throw InputError(
        "repeat", std::to_string(req.repeats) + " is above the cap of " + std::to_string(req.max_repeats) + " repeats");
  auto seconds = [](const char* field, double v) {
    if (!std::isfinite(v) || v < 0 || v > 86400) throw InputError(field, "must be a number of seconds in 0..86400");
  };
  seconds("min-time", req.min_time_s);
  seconds("max-time", req.max_time_s);
  if (req.max_time_s > 0 && req.max_time_s < req.min_time_s)
    throw InputError("max-time", "must be 0 (no adaptive repetition) or at least --min-time");
  if (!std::isfinite(req.target_ci) || req.target_ci <= 0 || req.target_ci >= 1)
    throw InputError("target-ci", "must be a fraction of the median in (0, 1), e.g. 0.02 for +-2%");
  check_backend_name(req.backend);
  if (parse_kernels(req.kernels) == Kernels::fused) {
    const std::vector<std::string> built = backend_names();
    if (req.backend == "cpu" || std::find(built.begin(), built.end(), "cuda") == built.end())
      throw InputError("kernels", "'fused' needs the CUDA backend (the CPU backend has one kernel set)");
  }
  if (req.commit.size() > 200 ||
      std::any_of(req.commit.begin(), req.commit.end(), [](char ch) { return static_cast<unsigned char>(ch) <= 0x20; }))
    throw InputError("commit", "must be a commit id or name: at most 200 characters, no spaces or control characters");
  if (!req.pin.empty()) {
    std::string why;
    if (!parse_cpu_list(req.pin, &why)) throw InputError("pin", why);
  }
  // The context a repeat reaches must be a number before it can be sized.
  if (req.decode_steps > std::numeric_limits<std::int64_t>::max() - req.prompt_len)
    throw InputError("decode-steps", std::to_string(req.decode_steps) + " steps after a prompt of " +
                                         std::to_string(req.prompt_len) + " tokens overflow the context length");
  // Sizes against this machine before anything is allocated (fp32: the larger element size).
  check_session_fits(req.config, req.batch, req.prompt_len + req.decode_steps, req.prompt_len, 4,
                     req.decode_steps > req.prompt_len ? "decode-steps" : "batch");
  // Inputs that can be checked without the store: a hardware spec by name or file, a calibration
  // file (an id is looked up once the store is open).
  if (req.hardware && *req.hardware != "host") load_hardware(*req.hardware);
  if (req.calibration && !std::all_of(req.calibration->begin(), req.calibration->end(),
                                      [](unsigned char ch) { return std::isdigit(ch) != 0; }))
    load_calibration(*req.calibration);
}

std::optional<std::string> stop_repeating(const MeasureRequest& req, std::int64_t repeats, double elapsed_s,
                                          double decode_w, double prefill_w) {
  // The minimum first, then the interval or the budget.
  if (repeats < req.repeats || elapsed_s < req.min_time_s) return std::nullopt;
  if (req.max_time_s <= 0)
    return "--repeat " + std::to_string(req.repeats) + " done (no adaptive repetition: --max-time 0)";
  const double w = std::max(decode_w, prefill_w);
  if (w <= req.target_ci)
    return "decode and prefill step medians known to +-" + fraction_text(w) + " (target +-" +
           fraction_text(req.target_ci) + ")";
  if (elapsed_s >= req.max_time_s) {
    char b[48];
    std::snprintf(b, sizeof b, "%g", req.max_time_s);
    return "--max-time " + std::string(b) + " s spent before the +-" + fraction_text(req.target_ci) +
           " target (reached +-" + fraction_text(w) + ")";
  }
  if (repeats >= req.max_repeats) return "the cap of " + std::to_string(req.max_repeats) + " repeats";
  return std::nullopt;
}

void judge_run(store::RunInfo& info) {
  store::RunStats& s = info.stats;
  if (s.verdict.empty()) {
    s.verdict = "unusable";
    s.verdict_reason = "no measured steps";
    return;
  }
  if (auto busy = busy_reason(info.machine)) {
    const stats::Verdict v = stats::worst(stats::parse_verdict(s.verdict), stats::Verdict::noisy);
    s.verdict = std::string(stats::to_string(v));
    s.verdict_reason = s.verdict_reason.empty() ? *busy : s.verdict_reason + "; " + *busy;
  }
}

MeasureResult measure_and_store(store::Store& store, const MeasureRequest& req, const std::atomic<bool>* stop,
                                const Say& say, const RepeatProgress& progress) {
  validate_request(req);
  const ModelConfig& c = req.config;
  MeasureResult res;
  auto warn = [&](const std::string& w) {
    res.warnings.push_back(w);
    if (say) say("warning: " + w);
  };

  if (!req.pin.empty()) pin_to_cpus(req.pin);
  store::RunInfo& info = res.info;
  // The CPU backend's thread count, decided once (after pinning: the pinned CPUs are the allowed
  // ones) and then fixed, so every repeat of the run measures the same configuration.
  const CpuThreadChoice threads = choose_cpu_threads(parse_thread_policy(req.threads));
  info.machine.thread_policy = threads.reason;
  info.threads = threads.threads;

  // Inputs found in the store are checked before anything is said or started.
  std::optional<Calibration> calibration;
  if (req.calibration) calibration = resolve_calibration(*req.calibration, store);

  BackendOptions bo;
  bo.cuda_graphs = req.cuda_graphs ? GraphLaunch::decode : GraphLaunch::off;
  bo.kernels = parse_kernels(req.kernels);
  bo.cpu_threads = ThreadPolicy::fixed(threads.threads);
  // Why auto fell back to the CPU is a note of the result, not a progress line: a bad input
  // found later still ends with one line.
  std::unique_ptr<Backend> backend =
      choose_backend(req.backend, bo, [&](const std::string& note) { res.warnings.push_back(note); });
  const std::string backend_name(backend->name());
  const BackendDevice device = backend->device_info();
  info.device_name = device.name;
  info.driver_version = device.driver_version;
  info.cuda_version = device.runtime_version;

  HardwareChoice hw = req.resolved ? *req.resolved
                                   : resolve_hardware(&store, backend_name, device.name, req.hardware,
                                                      static_cast<int>(info.threads), say);
  res.hardware_note = hw.note;
  for (const std::string& w : hw.warnings) warn(w);
  CostOptions cost;
  cost.launch = backend_name == "cuda" && req.cuda_graphs ? LaunchMode::graph : LaunchMode::stream;
  const CostParams params = make_cost_params(c, hw.spec, cost, calibration ? &*calibration : nullptr);

  // The CUPTI tracer first: it must route NVTX to CUPTI before the first range is pushed.
  profiler::TracerChoice tc = profiler::make_tracer(backend_name);
  if (!tc.warning.empty()) warn(tc.warning);
  profiler::Tracer& tracer = *tc.tracer;
  profiler::NvtxTracer nvtx;
  profiler::ObserverList observers;
  if (backend_name == "cuda") observers.add(&nvtx);  // ranges for Nsight Systems around the GPU work
  observers.add(&tracer);                            // innermost: its clock reads hug the op

  const std::int64_t max_context = req.prompt_len + req.decode_steps;
  Session session(c, random_weights(c, req.seed), *backend, {req.batch, max_context, req.prompt_len});
  session.set_observer(&observers);
  res.kv_bytes = session.kv_bytes_allocated();
  const auto prompts = random_prompts(req.seed, req.batch, req.prompt_len, c.vocab);
  const std::size_t max_ops =
      plan_step(c, {Phase::prefill, req.batch, req.prompt_len}).ops.size() +
      static_cast<std::size_t>(req.decode_steps) * plan_step(c, {Phase::decode, req.batch, max_context}).ops.size();

  const profiler::RunEnvironment env = profiler::collect_environment();
  info.label = req.label;
  info.model = c.name;
  info.variant = std::string(to_string(c.variant));
  info.loops = c.effective_loops();
  // The config as it runs: a vanilla model runs one loop whatever its preset says.
  ModelConfig as_run = c;
  as_run.loops = c.effective_loops();
  info.config_json = config_to_json(as_run).dump();
  info.batch = req.batch;
  info.prompt_len = req.prompt_len;
  info.decode_steps = req.decode_steps;
  info.warmup = req.warmup;
  info.repeats = 0;
  info.policy = {req.repeats, req.min_time_s, req.max_time_s, req.target_ci, ""};
  info.backend = bo.kernels == Kernels::fused ? backend_name + "+fused" : backend_name;
  info.tracer = std::string(profiler::to_string(tracer.kind()));
  info.hardware = hw.spec.name;
  info.hardware_json = hardware_to_json(hw.spec).dump();
  info.engine_commit = req.commit.empty() ? env.engine_commit : req.commit;
  info.branch = req.branch;
  info.kv_bytes = res.kv_bytes;
  info.host = env.host;
  info.pid = env.pid;
  info.seed = static_cast<std::int64_t>(req.seed);
  record_before(take_snapshot(), req.pin, info.machine);
  const store::RunId run = store.begin_run(info);

  auto stopped = [&] { return stop && stop->load(); };
  const OpTiming timing = tracer.kind() == profiler::TracerKind::cupti ? OpTiming::device : OpTiming::host;
  try {
    // One pass: prefill, then decode steps fed with the tokens each step sampled.
    auto one_pass = [&](bool measured) {
      session.reset();
      std::vector<std::int32_t> tokens = session.prefill(prompts);
      for (std::int64_t s = 0; s < req.decode_steps && !(measured && stopped()); ++s) tokens = session.decode(tokens);
    };
    for (std::int64_t w = 0; w < req.warmup && !stopped(); ++w) {
      profiler::NvtxRange range("warm-up " + std::to_string(w));
      one_pass(false);
    }

    std::vector<double> prefill_s, decode_s;  // step wall times so far, for the stopping rule
    std::int64_t complete_repeats = 0;
    const MachineSnapshot window_start = take_snapshot();
    const std::int64_t origin = window_start.steady_ns;
    std::string stop_reason;
    for (std::int64_t r = 0; !stopped(); ++r) {
      profiler::NvtxRange range("repeat " + std::to_string(r));
      tracer.begin_window(static_cast<std::size_t>(req.decode_steps + 1), max_ops);
      one_pass(true);
      profiler::Capture cap = tracer.end_window();
      info.dropped_records += cap.dropped_records;
      info.lost_attributions += cap.lost_attributions;
      if (cap.buffers_allocated_in_window > 0)
        warn("CUPTI needed " + std::to_string(cap.buffers_allocated_in_window) +
             " more activity buffers while measuring");
      store::RunRows rows = rows_from_capture(cap, r, origin, timing);
      for (const store::StepRow& s : rows.steps)
        (s.phase == "prefill" ? prefill_s : decode_s).push_back(static_cast<double>(s.end_ns - s.start_ns) * 1e-9);
      store.append(run, rows);
      info.repeats = r + 1;
      if (cap.steps.size() == static_cast<std::size_t>(req.decode_steps + 1)) ++complete_repeats;

      const double elapsed = static_cast<double>(profiler::steady_now_ns() - origin) * 1e-9;
      const double decode_w = stats::summarize(decode_s).relative_half_width();
      const double prefill_w = stats::summarize(prefill_s).relative_half_width();
      if (progress) progress(r + 1, elapsed, std::max(decode_w, prefill_w));
      if (auto why = stop_repeating(req, r + 1, elapsed, decode_w, prefill_w)) {
        stop_reason = *why;
        break;
      }
    }
    record_window(window_start, take_snapshot(), info.machine);

    // The prediction of exactly the steps that ran (shapes of the first repeat).
    store::RunRows pred;
    store.for_each_step(run, [&](const store::StepRow& s) {
      if (s.repeat_index != 0) return;
      StepShape shape{s.phase == "prefill" ? Phase::prefill : Phase::decode, s.batch, s.context_len};
      for (const OpPrediction& p : predict_step(c, shape, params, OpDetail::every_op).ops)
        pred.predictions.push_back({s.step_index, p.index, op_name(p.op), std::string(to_string(p.op.kind)),
                                    p.cost.time_s, p.cost.flops, p.cost.bytes(), std::string(to_string(p.cost.bound))});
    });
    store.append(run, pred);

    res.rows = store.read_rows(run);
    res.table = store::kind_table(res.rows);
    info.stats = store::run_stats(res.table);
    judge_run(info);
    const bool interrupted = stopped();
    info.status = interrupted ? store::RunStatus::interrupted : store::RunStatus::complete;
    info.policy.stop_reason = interrupted ? "interrupted" : stop_reason;
    info.error = interrupted ? "interrupted after " + std::to_string(complete_repeats) + " complete repeats" : "";
    if (info.lost_attributions > 0)
      warn(std::to_string(info.lost_attributions) + " device records could not be attributed to a plan op");
    store.finish_run(info);
  } catch (const std::exception& e) {
    info.status = store::RunStatus::failed;
    info.error = e.what();
    try {
      store.finish_run(info);
    } catch (...) {
      // The store itself failed (disk full): the run keeps complete = 0, which is what matters.
    }
    throw std::runtime_error("run " + std::to_string(run) + " stopped and stays marked incomplete: " + e.what());
  }
  if (auto stored = store.get_run(run)) info = *stored;
  return res;
}

}  // namespace looplab::lab
