// measure_and_store(): backend choice, tracer + NVTX observers, warm-up, measured repeats, the
// prediction of the same steps, and the run's record. The host spec for CPU predictions comes
// from data/hardware, the store's cache, or a fresh `looplab calibrate-host`.
#include "cli/run_measure.hpp"

#include <omp.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>

#include <nlohmann/json.hpp>

#include "engine/core/error.hpp"
#include "engine/runtime/backend_factory.hpp"
#include "engine/runtime/generate.hpp"
#include "engine/runtime/session.hpp"
#include "profiler/environment.hpp"
#include "profiler/make_tracer.hpp"
#include "profiler/nvtx.hpp"
#include "profiler/observer_list.hpp"
#include "simulator/calibration.hpp"
#include "simulator/op_cost.hpp"
#include "simulator/predict.hpp"
#include "store/capture_rows.hpp"

#ifdef LOOPLAB_HAVE_CUDA
#include "engine/cuda/cuda_backend.hpp"
#include "engine/cuda/device.hpp"
#endif

namespace looplab::cli {

namespace {

void say(bool quiet, const std::string& line) {
  if (!quiet) std::fprintf(stderr, "looplab: %s\n", line.c_str());
}

std::unique_ptr<Backend> pick_backend(const std::string& want, bool quiet) {
  if (want == "cpu" || want == "cuda") return make_backend(want);
  if (want != "auto") throw InputError("backend", "'" + want + "' is not one of auto, cpu, cuda");
  for (const std::string& n : backend_names())
    if (n == "cuda") {
      try {
        return make_backend("cuda");
      } catch (const InputError& e) {
        // Once per process: the demo picks a backend for each of its five variants.
        static bool told = false;
        if (!told) say(quiet, std::string("no usable CUDA device (") + e.what() + "): measuring the CPU backend");
        told = true;
      }
    }
  return make_backend("cpu");
}

// `calibrate-host --json` from this same executable.
HardwareSpec run_calibrate_host() {
  std::string exe = std::filesystem::read_symlink("/proc/self/exe").string(), quoted = "'";
  for (char c : exe) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  std::string cmd = quoted + "' calibrate-host --json";
  struct Closer {
    void operator()(FILE* f) const { pclose(f); }
  };
  std::unique_ptr<FILE, Closer> pipe(popen(cmd.c_str(), "r"));
  if (!pipe) throw std::runtime_error("could not start `looplab calibrate-host` to measure the host spec");
  std::string text;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe.get())) text.append(buf, n);
  int status = pclose(pipe.release());
  if (status != 0 || text.empty())
    throw std::runtime_error("`looplab calibrate-host` failed; measure the host with it and pass --hardware FILE");
  return hardware_from_json(nlohmann::json::parse(text), "host", "looplab calibrate-host output");
}

// The prefix calibrate-host gives the description of a spec measured on this CPU with this many
// threads; a spec cached for another CPU or thread count does not match and is measured again.
std::string host_description_prefix() {
  std::string cpu = profiler::collect_environment().cpu_model;
  if (cpu == "unknown") cpu = "unknown CPU";
  return cpu + ", " + std::to_string(omp_get_max_threads()) + " OpenMP threads";
}

bool contains_all_digit_tokens(const std::string& device_lower, const std::string& spec_name) {
  bool any = false;
  std::size_t start = 0;
  while (start <= spec_name.size()) {
    std::size_t end = spec_name.find('-', start);
    std::string tok = spec_name.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (tok.find_first_of("0123456789") != std::string::npos) {
      any = true;
      if (device_lower.find(tok) == std::string::npos) return false;
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return any;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

HardwareChoice resolve_hardware(store::Store& store, const std::string& backend, const std::string& device_name,
                                const std::optional<std::string>& requested, bool quiet) {
  if (requested) return {load_hardware(*requested), "--hardware " + *requested};
  if (backend == "cuda") {
    std::string dev = lower(device_name);
    for (const std::string& n : hardware_names())
      if (n != "host" && contains_all_digit_tokens(dev, n)) return {load_hardware(n), "data/hardware/" + n + ".json (matches " + device_name + ")"};
    throw InputError("hardware", "no spec in data/hardware matches the device '" + device_name +
                                     "': pass --hardware NAME or FILE for the prediction");
  }
  for (const std::string& n : hardware_names())
    if (n == "host") return {load_hardware("host"), "data/hardware/host.json"};
  const std::string prefix = host_description_prefix();
  auto cached = store.hardware();
  for (auto it = cached.rbegin(); it != cached.rend(); ++it) {
    if (it->name != "host") continue;
    HardwareSpec h = hardware_from_json(nlohmann::json::parse(it->spec_json), "host", "the store's hardware table");
    if (h.description.rfind(prefix, 0) == 0)
      return {h, "host spec measured by `looplab calibrate-host` at " + it->created_at + ", cached in the store"};
  }
  say(quiet, "no host spec for this machine yet: measuring it with `looplab calibrate-host` (a few seconds)");
  HardwareSpec h = run_calibrate_host();
  store.put_hardware("host", hardware_to_json(h).dump());
  return {h, "host spec measured now by `looplab calibrate-host`, cached in the store for later runs"};
}

MeasureResult measure_and_store(store::Store& store, const MeasureRequest& req, const std::atomic<bool>* stop) {
  const ModelConfig& c = req.config;
  validate(c);
  if (req.batch < 1) throw InputError("batch", std::to_string(req.batch) + " must be >= 1");
  if (req.prompt_len < 1) throw InputError("prompt-len", std::to_string(req.prompt_len) + " must be >= 1");
  if (req.decode_steps < 1) throw InputError("decode-steps", std::to_string(req.decode_steps) + " must be >= 1");
  if (req.warmup < 0) throw InputError("warmup", std::to_string(req.warmup) + " must be >= 0");
  if (req.repeats < 1) throw InputError("repeat", std::to_string(req.repeats) + " must be >= 1");

  MeasureResult res;
  std::unique_ptr<Backend> backend = pick_backend(req.backend, req.quiet);
  const std::string backend_name(backend->name());
  profiler::RunEnvironment env = profiler::collect_environment();
  store::RunInfo& info = res.info;
  info.device_name = env.cpu_model;
  info.threads = omp_get_max_threads();
#ifdef LOOPLAB_HAVE_CUDA
  if (auto* cuda = dynamic_cast<gpu::CudaBackend*>(backend.get())) {
    cuda->set_graph_mode(req.cuda_graphs ? gpu::GraphMode::decode : gpu::GraphMode::off);
    gpu::DeviceInfo d = gpu::current_device_info();
    info.device_name = d.name;
    info.driver_version = std::to_string(d.driver_version / 1000) + "." + std::to_string(d.driver_version % 1000 / 10);
    info.cuda_version = std::to_string(d.runtime_version / 1000) + "." + std::to_string(d.runtime_version % 1000 / 10);
  }
#endif
  HardwareChoice hw = resolve_hardware(store, backend_name, info.device_name, req.hardware, req.quiet);
  res.hardware_note = hw.note;
  std::optional<Calibration> calibration;
  if (req.calibration) calibration = load_calibration(*req.calibration);
  CostOptions cost;
  cost.launch = backend_name == "cuda" && req.cuda_graphs ? LaunchMode::graph : LaunchMode::stream;
  const CostParams params = make_cost_params(c, hw.spec, cost, calibration ? &*calibration : nullptr);

  // The CUPTI tracer first: it must route NVTX to CUPTI before the first range is pushed.
  profiler::TracerChoice tc = profiler::make_tracer(backend_name);
  if (!tc.warning.empty()) {
    res.warnings.push_back(tc.warning);
    if (!req.quiet) std::fprintf(stderr, "looplab: warning: %s\n", tc.warning.c_str());
  }
  profiler::Tracer& tracer = *tc.tracer;
  profiler::NvtxTracer nvtx;
  profiler::ObserverList observers;
  if (backend_name == "cuda") observers.add(&nvtx);  // ranges for Nsight Systems around the GPU work
  observers.add(&tracer);                             // innermost: its clock reads hug the op

  const std::int64_t max_context = req.prompt_len + req.decode_steps;
  Session session(c, random_weights(c, req.seed), *backend, {req.batch, max_context, req.prompt_len});
  session.set_observer(&observers);
  res.kv_bytes = session.kv_bytes_allocated();
  const auto prompts = random_prompts(req.seed, req.batch, req.prompt_len, c.vocab);
  const std::size_t max_ops =
      plan_step(c, {Phase::prefill, req.batch, req.prompt_len}).ops.size() +
      static_cast<std::size_t>(req.decode_steps) * plan_step(c, {Phase::decode, req.batch, max_context}).ops.size();

  info.label = req.label;
  info.model = c.name;
  info.variant = std::string(to_string(c.variant));
  info.loops = c.effective_loops();
  info.config_json = config_to_json(c).dump();
  info.batch = req.batch;
  info.prompt_len = req.prompt_len;
  info.decode_steps = req.decode_steps;
  info.warmup = req.warmup;
  info.repeats = req.repeats;
  info.backend = backend_name;
  info.tracer = std::string(profiler::to_string(tracer.kind()));
  info.hardware = hw.spec.name;
  info.hardware_json = hardware_to_json(hw.spec).dump();
  info.engine_commit = env.engine_commit;
  info.host = env.host;
  info.pid = env.pid;
  info.seed = static_cast<std::int64_t>(req.seed);
  store::RunId run = store.begin_run(info);

  auto stopped = [&] { return stop && stop->load(); };
  std::int64_t dropped = 0, repeats_done = 0;
  const bool tty = isatty(STDERR_FILENO) && !req.quiet;
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
    const std::int64_t origin = profiler::steady_now_ns();
    for (std::int64_t r = 0; r < req.repeats && !stopped(); ++r) {
      if (tty) std::fprintf(stderr, "\rlooplab: run %lld: repeat %lld/%lld", (long long)run, (long long)r + 1,
                            (long long)req.repeats);
      profiler::NvtxRange range("repeat " + std::to_string(r));
      tracer.begin_window(static_cast<std::size_t>(req.decode_steps + 1), max_ops);
      one_pass(true);
      profiler::Capture cap = tracer.end_window();
      dropped += cap.dropped_records;
      if (cap.buffers_allocated_in_window > 0)
        res.warnings.push_back("CUPTI needed " + std::to_string(cap.buffers_allocated_in_window) +
                               " more activity buffers while measuring");
      store.append(run, store::rows_from_capture(cap, r, origin,
                                                 tracer.kind() == profiler::TracerKind::cupti ? store::OpTiming::device
                                                                                              : store::OpTiming::host));
      if (cap.steps.size() == static_cast<std::size_t>(req.decode_steps + 1)) ++repeats_done;
    }
    if (tty) std::fprintf(stderr, "\n");

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
    const bool interrupted = stopped() && repeats_done < req.repeats;
    const std::string why = interrupted ? "interrupted by Ctrl-C after " + std::to_string(repeats_done) + " of " +
                                              std::to_string(req.repeats) + " repeats"
                                        : "";
    store.finish_run(run, interrupted ? store::RunStatus::interrupted : store::RunStatus::complete,
                     store::run_stats(res.rows), dropped, why);
  } catch (const std::exception& e) {
    if (tty) std::fprintf(stderr, "\n");
    try {
      store.finish_run(run, store::RunStatus::failed, {}, dropped, e.what());
    } catch (...) {
      // The store itself failed (disk full): the run keeps complete = 0, which is what matters.
    }
    throw std::runtime_error("run " + std::to_string(run) + " stopped and stays marked incomplete: " + e.what());
  }
  if (auto stored = store.get_run(run)) info = *stored;
  return res;
}

namespace {
std::atomic<bool> g_interrupted{false};
struct sigaction g_previous {};
extern "C" void on_sigint(int) { g_interrupted.store(true); }
}  // namespace

InterruptGuard::InterruptGuard() {
  g_interrupted.store(false);
  struct sigaction sa {};
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;  // a second Ctrl-C gets the default action: the process ends
  sigaction(SIGINT, &sa, &g_previous);
}

InterruptGuard::~InterruptGuard() { sigaction(SIGINT, &g_previous, nullptr); }

const std::atomic<bool>& InterruptGuard::flag() const { return g_interrupted; }

}  // namespace looplab::cli
