// CPU decode-step benchmark: one decode step of smollm2-135m (fp32, batch 1) on the reference
// backend, reported as weight bytes streamed per second, next to the machine's copy bandwidth
// measured in the same run (the target: weight traffic >= 60% of copy bandwidth).
#include <benchmark/benchmark.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <vector>

#include "engine/core/plan.hpp"
#include "engine/cpu/cpu_backend.hpp"
#include "engine/runtime/generate.hpp"
#include "engine/runtime/session.hpp"

namespace looplab {
namespace {

// 256 MiB per buffer: eight times the largest L3 we expect, so the copy runs from DRAM.
constexpr std::size_t kCopyBytes = std::size_t{256} << 20;

// memcpy split across the OpenMP threads (the decode step uses them all too).
void parallel_copy(char* dst, const char* src, std::size_t bytes) {
#pragma omp parallel
  {
    const auto t = static_cast<std::size_t>(omp_get_thread_num()), n = static_cast<std::size_t>(omp_get_num_threads());
    const std::size_t chunk = (bytes / n + 63) & ~std::size_t{63};
    const std::size_t begin = std::min(bytes, t * chunk), end = std::min(bytes, begin + chunk);
    std::memcpy(dst + begin, src + begin, end - begin);
  }
}

struct CopyBuffers {
  std::vector<char> src = std::vector<char>(kCopyBytes, 1), dst = std::vector<char>(kCopyBytes, 0);
};

CopyBuffers& copy_buffers() {
  static CopyBuffers b;
  return b;
}

// Seconds of one parallel copy of kCopyBytes (read kCopyBytes + write kCopyBytes).
double timed_copy_s() {
  CopyBuffers& b = copy_buffers();
  const auto t0 = std::chrono::steady_clock::now();
  parallel_copy(b.dst.data(), b.src.data(), kCopyBytes);
  benchmark::ClobberMemory();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void BM_CopyBandwidth(benchmark::State& state) {
  CopyBuffers& b = copy_buffers();
  for (auto _ : state) {
    parallel_copy(b.dst.data(), b.src.data(), kCopyBytes);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * 2 * static_cast<std::int64_t>(kCopyBytes));
  state.counters["threads"] = omp_get_max_threads();
}

constexpr std::int64_t kPrompt = 32;
constexpr std::int64_t kMaxContext = 160;

// One prepared model per (variant, loops), built once: weights of 135M parameters take seconds.
struct Prepared {
  ModelConfig config;
  CpuBackend backend{ThreadPolicy::all()};  // every allowed CPU, as the copy benchmark above
  std::unique_ptr<Session> session;
  std::vector<std::int32_t> prompts;
};

Prepared& prepared(Variant v, std::int64_t loops) {
  static std::map<std::pair<int, std::int64_t>, std::unique_ptr<Prepared>> cache;
  auto& p = cache[{static_cast<int>(v), loops}];
  if (!p) {
    p = std::make_unique<Prepared>();
    p->config = load_model("smollm2-135m");
    p->config.variant = v;
    p->config.loops = loops;
    const Weights w = random_weights(p->config, 1);
    p->session = std::make_unique<Session>(p->config, w, p->backend, SessionOptions{1, kMaxContext, kPrompt});
    p->prompts = random_prompts(1, 1, kPrompt, p->config.vocab);
  }
  return *p;
}

// Weight bytes one decode step streams: every GEMM's (n, k) matrix once, from the step plan.
std::int64_t weight_bytes_per_step(const ModelConfig& c, std::int64_t context) {
  std::int64_t bytes = 0;
  for (const OpDesc& op : plan_step(c, {Phase::decode, 1, context}).ops)
    if (is_gemm(op.kind)) bytes += op.n * op.k * 4;
  return bytes;
}

void BM_DecodeStep(benchmark::State& state) {
  const auto v = static_cast<Variant>(state.range(0));
  Prepared& p = prepared(v, state.range(1));
  Session& s = *p.session;
  timed_copy_s();  // first touch of the copy buffers, outside the measurement
  s.reset();
  std::vector<std::int32_t> next = s.prefill(p.prompts);
  std::int64_t weight_bytes = 0, steps = 0;
  double decode_time_s = 0;  // the timed decode calls only, for the ratio below
  double copy_time_s = 0;    // copies interleaved with the steps: both see the same machine state
  std::int64_t copies = 0;
  for (auto _ : state) {
    if (steps % 8 == 0) {
      state.PauseTiming();
      copy_time_s += timed_copy_s();
      ++copies;
      state.ResumeTiming();
    }
    if (s.length() == kMaxContext) {  // contexts stay between 32 and 160 tokens
      state.PauseTiming();
      s.reset();
      next = s.prefill(p.prompts);
      state.ResumeTiming();
    }
    weight_bytes += weight_bytes_per_step(p.config, s.length() + 1);
    const auto t0 = std::chrono::steady_clock::now();
    next = s.decode(next);
    decode_time_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ++steps;
  }
  const double per_step = static_cast<double>(weight_bytes) / static_cast<double>(steps);
  // Copy bandwidth as STREAM counts it: bytes read + bytes written per second.
  const double copy_bw = 2.0 * static_cast<double>(kCopyBytes) * static_cast<double>(copies) / copy_time_s;
  state.counters["weight_bytes_per_step"] = per_step;
  state.counters["weight_bw"] = benchmark::Counter(static_cast<double>(weight_bytes), benchmark::Counter::kIsRate);
  state.counters["copy_bw"] = copy_bw;
  // weight_bw / copy_bw: decode steps and copies interleaved in the same process.
  state.counters["weight_bw_over_copy_bw"] = static_cast<double>(weight_bytes) / decode_time_s / copy_bw;
  state.counters["threads"] = omp_get_max_threads();
  state.SetLabel(std::string(to_string(v)) + " L=" + std::to_string(p.config.effective_loops()) + " batch 1 fp32");
}

BENCHMARK(BM_CopyBandwidth)->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_DecodeStep)
    ->ArgNames({"variant", "loops"})
    ->Args({static_cast<int>(Variant::vanilla), 1})
    ->Args({static_cast<int>(Variant::looped), 2})
    ->Args({static_cast<int>(Variant::plt), 2})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0);

}  // namespace
}  // namespace looplab

BENCHMARK_MAIN();
