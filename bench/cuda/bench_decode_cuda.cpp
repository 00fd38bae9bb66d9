// GPU decode-step benchmark: per model, variant and batch, 127 dependent greedy decode steps after
// a 32-token prompt on the CUDA engine (decode steps replay a CUDA graph), each step timed with
// CUDA events (UseManualTime). Reports the median us/step, the DRAM bytes one step must move
// (weights of every GEMM, K/V read by attention), the bandwidth that implies, its share of the
// device's datasheet bandwidth (MBU), and the simulator's prediction for the same steps.
//   LOOPLAB_BENCH_MODELS   comma list of presets (default llama-3.2-1b)
//   LOOPLAB_BENCH_BATCHES  comma list of batch sizes (default 1)
//   LOOPLAB_BENCH_HARDWARE hardware spec for predictions and MBU (default: from the device name)
//   LOOPLAB_BENCH_TABLE    also write the summary table to this file (tab-separated)
//   LOOPLAB_BENCH_KERNELS  comma list of kernel sets, reference and/or fused (default reference):
//                          the fused decode path as far as it exists, beside the reference
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "engine/core/plan.hpp"
#include "engine/cuda/cuda_backend.hpp"
#include "engine/cuda/device.hpp"
#include "engine/cuda/stream.hpp"
#include "engine/runtime/generate.hpp"
#include "engine/runtime/session.hpp"
#include "lab/stats.hpp"
#include "simulator/hardware.hpp"
#include "simulator/predict.hpp"

namespace looplab {
namespace {

constexpr std::int64_t kPrompt = 32;
constexpr std::int64_t kSteps = 127;
constexpr std::int64_t kLoops = 2;

std::vector<std::string> split_list(const char* env, const char* fallback) {
  std::string s = env != nullptr && *env != '\0' ? env : fallback;
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

// The hardware spec of this device, for predictions and MBU: LOOPLAB_BENCH_HARDWARE, else the
// spec whose name appears in the device name ("NVIDIA H200" -> h200).
std::optional<HardwareSpec> hardware_for(const gpu::DeviceInfo& dev) {
  if (const char* h = std::getenv("LOOPLAB_BENCH_HARDWARE"); h != nullptr && *h != '\0') return load_hardware(h);
  std::string lower = dev.name;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
  std::optional<HardwareSpec> best;
  std::size_t best_len = 0;
  for (const std::string& name : hardware_names()) {
    const std::string stem = name.substr(0, name.find('-'));  // h100-sxm -> h100, a100-80gb -> a100
    if (stem.size() > best_len && lower.find(stem) != std::string::npos) {
      best = load_hardware(name);
      best_len = stem.size();
    }
  }
  return best;
}

// DRAM bytes one decode step must move at least: every GEMM's bf16 weights once per pass, and the
// K/V every attention op reads.
double decode_bytes(const ModelConfig& c, std::int64_t batch, std::int64_t context) {
  double bytes = 0;
  for (const OpDesc& op : plan_step(c, {Phase::decode, batch, context}).ops) {
    if (is_gemm(op.kind)) bytes += 2.0 * static_cast<double>(op.n * op.k);
    if (is_attention(op.kind))
      bytes += 2.0 * 2.0 * static_cast<double>(op.seqs * op.kv_sets * op.kv_len * op.kv_heads * op.head_dim);
  }
  return bytes;
}

struct Row {
  std::string model;
  Variant variant = Variant::vanilla;
  std::int64_t batch = 1;
  gpu::KernelSet kernels = gpu::KernelSet::reference;
  std::vector<double> step_us;
  double bytes_per_step = 0;
  double predicted_us = 0;  // 0: no hardware spec for this device
  double peak_bw = 0;
};
std::vector<Row> g_rows;

// Weights of one model, shared by its variants: generated once (seconds for a 1B model), with
// the plt gate tensors added or removed to suit the variant asked for.
Weights& weights_for(const ModelConfig& c) {
  static std::string cached_model;
  static std::unique_ptr<Weights> cached;
  if (!cached || cached_model != c.name) {
    cached.reset();
    ModelConfig base = c;
    base.variant = Variant::clp;
    base.loops = kLoops;
    cached = std::make_unique<Weights>(random_weights(base, 1));
    cached_model = c.name;
  }
  for (std::int64_t i = 0; i < c.layers; ++i) {
    const std::string gw = layer_tensor_name(i, "self_attn.gate.weight"),
                      gb = layer_tensor_name(i, "self_attn.gate.bias");
    if (c.variant == Variant::plt && !cached->contains(gw)) {
      Tensor w{{c.heads, c.head_dim}, std::vector<float>(static_cast<std::size_t>(c.heads * c.head_dim))};
      for (std::size_t j = 0; j < w.data.size(); ++j)  // small deterministic values, std about 1/sqrt(dh)
        w.data[j] = static_cast<float>(std::sin(static_cast<double>(j) + static_cast<double>(i)) /
                                       std::sqrt(0.5 * static_cast<double>(c.head_dim)));
      cached->add(gw, std::move(w));
      cached->add(gb,
                  Tensor{{c.heads},
                         std::vector<float>(static_cast<std::size_t>(c.heads), static_cast<float>(c.gate_bias_init))});
    } else if (c.variant != Variant::plt) {
      cached->erase(gw);
      cached->erase(gb);
    }
  }
  return *cached;
}

// One prepared session at a time (a 1B model's bf16 weights are 2.5 GB of device memory).
struct Prepared {
  std::string key;
  ModelConfig config;
  std::unique_ptr<gpu::CudaBackend> backend;
  std::unique_ptr<Session> session;
  std::vector<std::int32_t> prompts;
};

// Released before main returns: CUDA objects must not outlive the runtime in static destructors.
std::unique_ptr<Prepared> g_prepared;

const char* kernels_name(gpu::KernelSet k) { return k == gpu::KernelSet::fused ? "fused" : "reference"; }

Prepared& prepared(const std::string& model, Variant v, std::int64_t batch, gpu::KernelSet kernels) {
  if (!g_prepared) g_prepared = std::make_unique<Prepared>();
  Prepared& p = *g_prepared;
  const std::string key =
      model + "/" + std::string(to_string(v)) + "/" + std::to_string(batch) + "/" + kernels_name(kernels);
  if (p.key != key) {
    p.session.reset();
    p.backend.reset();
    p.config = load_model(model);
    p.config.variant = v;
    p.config.loops = kLoops;
    gpu::CudaBackendOptions o;
    o.kernels = kernels;
    p.backend = std::make_unique<gpu::CudaBackend>(o);
    p.session = std::make_unique<Session>(p.config, weights_for(p.config), *p.backend,
                                          SessionOptions{batch, kPrompt + kSteps, kPrompt});
    p.prompts = random_prompts(1, batch, kPrompt, p.config.vocab);
    p.key = key;
  }
  return p;
}

void write_table_file();

void BM_DecodeStep(benchmark::State& state, const std::string& model, Variant v, std::int64_t batch, Row* row) {
  Prepared& p = prepared(model, v, batch, row->kernels);
  Session& s = *p.session;
  gpu::Event start, stop;
  s.reset();
  std::vector<std::int32_t> next = s.prefill(p.prompts);
  double bytes = 0;
  for (auto _ : state) {
    const std::int64_t context = s.length() + 1;
    start.record(p.backend->stream());
    next = s.decode(next);
    stop.record(p.backend->stream());
    stop.synchronize();
    const double us = 1000.0 * gpu::elapsed_ms(start, stop);
    state.SetIterationTime(us * 1e-6);
    row->step_us.push_back(us);
    bytes += decode_bytes(p.config, batch, context);
  }
  const double steps = static_cast<double>(state.iterations());
  row->bytes_per_step = bytes / steps;
  state.counters["bytes_per_step"] = bytes / steps;
  state.counters["bw_bytes_per_s"] = benchmark::Counter(bytes, benchmark::Counter::kIsRate);
  state.counters["graph_replays"] = static_cast<double>(p.backend->graph_replays());
  if (row->predicted_us > 0) state.counters["predicted_us"] = row->predicted_us;
  write_table_file();
}

std::string table_text() {
  std::ostringstream out;
  out << "model\tvariant\tbatch\tkernels\tmeasured_us_per_step\tpredicted_us_per_step\tbytes_per_step\tGB_per_s\tMBU\n";
  for (const Row& r : g_rows) {
    if (r.step_us.empty()) continue;  // not run (filtered out, or not yet)
    const double us = stats::median(r.step_us);
    const double gbs = us > 0 ? r.bytes_per_step / (us * 1e3) : 0;
    char line[512];
    std::snprintf(
        line, sizeof line, "%s\t%s\t%lld\t%s\t%.1f\t%s\t%.0f\t%.1f\t%s\n", r.model.c_str(),
        std::string(to_string(r.variant)).c_str(), static_cast<long long>(r.batch), kernels_name(r.kernels), us,
        r.predicted_us > 0 ? std::to_string(static_cast<long long>(std::lround(r.predicted_us))).c_str() : "-",
        r.bytes_per_step, gbs,
        r.peak_bw > 0 ? std::to_string(std::lround(100.0 * gbs * 1e9 / r.peak_bw)).append("%").c_str() : "-");
    out << line;
  }
  return out.str();
}

// Rewritten after every benchmark, so a run cut short by a timeout still leaves its rows.
void write_table_file() {
  if (const char* path = std::getenv("LOOPLAB_BENCH_TABLE"); path != nullptr && *path != '\0')
    std::ofstream(path) << table_text();
}

}  // namespace
}  // namespace looplab

int main(int argc, char** argv) {
  using namespace looplab;
  const std::string why = gpu::no_device_reason();
  if (!why.empty()) {
    std::printf("SKIPPED: no CUDA device (%s)\n", why.c_str());
    return 0;
  }
  const gpu::DeviceInfo dev = gpu::require_device(0);
  const std::optional<HardwareSpec> hw = hardware_for(dev);
  std::printf("device: %s, %d SMs, %.1f GiB; hardware spec for predictions: %s\n", dev.name.c_str(), dev.sm_count,
              static_cast<double>(dev.global_mem_bytes) / (1 << 30), hw ? hw->name.c_str() : "none");

  const auto models = split_list(std::getenv("LOOPLAB_BENCH_MODELS"), "llama-3.2-1b");
  std::vector<std::int64_t> batches;
  for (const std::string& b : split_list(std::getenv("LOOPLAB_BENCH_BATCHES"), "1")) batches.push_back(std::stoll(b));
  std::vector<gpu::KernelSet> kernel_sets;
  for (const std::string& k : split_list(std::getenv("LOOPLAB_BENCH_KERNELS"), "reference")) {
    if (k != "reference" && k != "fused") {
      std::printf("LOOPLAB_BENCH_KERNELS: '%s' is not one of reference, fused\n", k.c_str());
      return 2;
    }
    kernel_sets.push_back(k == "fused" ? gpu::KernelSet::fused : gpu::KernelSet::reference);
  }

  g_rows.reserve(models.size() * 5 * batches.size() * kernel_sets.size());  // rows are referenced by the benchmarks
  for (const gpu::KernelSet kernels : kernel_sets)
    for (const std::string& model : models)
      for (Variant v : kAllVariants)
        for (std::int64_t batch : batches) {
          Row row;
          row.model = model;
          row.variant = v;
          row.batch = batch;
          row.kernels = kernels;
          if (hw) {
            ModelConfig c = load_model(model);
            c.variant = v;
            c.loops = kLoops;
            PredictRequest req;
            req.batch = batch;
            req.context = kPrompt + kSteps;
            req.prompt = kPrompt;
            req.generate = kSteps + 1;  // the prefill makes the first token, 127 decode steps the rest
            req.detail = OpDetail::totals_only;
            try {
              const Prediction pred = predict(c, *hw, req);
              row.predicted_us = 1e6 * pred.generation.decode_s / static_cast<double>(kSteps);
            } catch (const std::exception& e) {
              std::printf("no prediction for %s %s batch %lld: %s\n", model.c_str(), std::string(to_string(v)).c_str(),
                          static_cast<long long>(batch), e.what());
            }
            row.peak_bw = hw->mem_bw_bytes_per_s.value(Ceiling::datasheet);
          }
          g_rows.push_back(row);
          Row* r = &g_rows.back();
          const std::string name = "decode/" + model + "/" + std::string(to_string(v)) +
                                   "/batch:" + std::to_string(batch) +
                                   (kernels == gpu::KernelSet::fused ? "/fused" : "");
          benchmark::RegisterBenchmark(
              name.c_str(), [model, v, batch, r](benchmark::State& st) { BM_DecodeStep(st, model, v, batch, r); })
              ->UseManualTime()
              ->Unit(benchmark::kMicrosecond)
              ->Iterations(kSteps)
              ->Repetitions(3)
              ->ReportAggregatesOnly(true);
        }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  g_prepared.reset();
  std::printf("\n%s", table_text().c_str());
  write_table_file();
  return 0;
}
