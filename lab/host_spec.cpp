// `host` spec measurement: copy bandwidth (OpenMP threads, reads + writes counted), the FLOP/s
// of the CPU backend's matmul_nt, and the fixed cost of a tiny matmul_nt call as per-op overhead.
#include "lab/host_spec.hpp"

#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "engine/core/build_stamp.hpp"
#include "engine/cpu/matmul.hpp"
#include "lab/machine_state.hpp"
#include "profiler/environment.hpp"

namespace looplab {

using namespace lab;

namespace {

using Clock = std::chrono::steady_clock;

// Size in bytes of the highest-level data or unified cache of cpu0 under sysfs; 0 if none.
double largest_sysfs_cache_bytes() {
  double best = 0;
  int best_level = 0;
  for (int i = 0; i < 16; ++i) {
    const std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(i) + "/";
    std::ifstream level_f(dir + "level"), type_f(dir + "type"), size_f(dir + "size");
    int level = 0;
    std::string type, size;
    if (!(level_f >> level) || !(type_f >> type) || !(size_f >> size)) continue;
    if (type == "Instruction" || size.empty()) continue;
    double bytes = std::atof(size.c_str());
    switch (size.back()) {
      case 'K':
        bytes *= 1024;
        break;
      case 'M':
        bytes *= 1024 * 1024;
        break;
      case 'G':
        bytes *= 1024.0 * 1024 * 1024;
        break;
      default:
        break;
    }
    if (level > best_level && bytes > 0) {
      best_level = level;
      best = bytes;
    }
  }
  return best;
}

// Times f `reps` times after one warm-up call (page faults, thread pool start); returns the
// median and keeps the samples.
template <typename F>
double median_seconds(int reps, F&& f, std::vector<double>* samples = nullptr) {
  f();
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) {
    const auto t0 = Clock::now();
    f();
    t.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
  }
  if (samples) *samples = t;
  return stats::median(std::move(t));
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
    }
  return "unknown CPU";
}

SpecNumber measured(double value, std::string source) {
  SpecNumber n;
  n.measured = SourcedValue{value, std::move(source)};
  return n;
}

}  // namespace

std::string host_machine_id(int threads) {
  return profiler::collect_environment().host + " / " + cpu_model() + " / " + std::to_string(threads) + " threads";
}

HardwareSpec measure_host_spec(const HostSpecOptions& a) { return measure_host(a).spec; }

HostMeasurement measure_host(const HostSpecOptions& a) {
  const std::string when = "looplab (host measurement) " + utc_now_iso8601() + " (" + build_stamp() + ")";
  const int threads = omp_get_max_threads();
  HostMeasurement result;
  const MachineSnapshot before = take_snapshot();
  record_before(before, "", result.machine);
  std::vector<double> copy_samples, best_samples;
  HardwareSpec& h = result.spec;
  h.name = "host";
  h.kind = HardwareKind::host;

  // Copy bandwidth: each thread copies its slice, so every core's memory path is used, as the
  // backend's OpenMP GEMVs do. Bytes read + written, the convention of every spec.
  const auto bytes = static_cast<std::size_t>(a.copy_mib) << 20;
  std::vector<char> src(bytes, 1), dst(bytes, 0);
  const double copy_s = median_seconds(
      a.repetitions,
      [&] {
#pragma omp parallel
        {
          const auto nt = static_cast<std::size_t>(omp_get_num_threads());
          const auto t = static_cast<std::size_t>(omp_get_thread_num());
          const std::size_t chunk = (bytes + nt - 1) / nt, lo = std::min(bytes, t * chunk),
                            hi = std::min(bytes, lo + chunk);
          std::memcpy(dst.data() + lo, src.data() + lo, hi - lo);
        }
      },
      &copy_samples);
  const double bw = 2.0 * static_cast<double>(bytes) / copy_s;
  h.mem_bw_bytes_per_s = measured(
      bw, "measured by " + when + ": copy of " + std::to_string(a.copy_mib) + " MiB on " + std::to_string(threads) +
              " threads, read + written bytes over the median of " + std::to_string(a.repetitions));

  // matmul_nt FLOP/s at prefill-like shapes; the best median is the ceiling.
  double best = 0;
  std::string best_shape;
  for (const auto& [m, n, k] :
       {std::array<std::int64_t, 3>{64, 2048, 2048}, std::array<std::int64_t, 3>{256, 1024, 1024},
        std::array<std::int64_t, 3>{512, 2048, 512}}) {
    std::vector<float> x(static_cast<std::size_t>(m * k), 0.5f), w(static_cast<std::size_t>(n * k), 0.25f),
        y(static_cast<std::size_t>(m * n));
    cpu::MatmulArgs args;
    args.x = x.data();
    args.w = w.data();
    args.y = y.data();
    args.m = m;
    args.n = n;
    args.k = k;
    std::vector<double> samples;
    const double s = median_seconds(
        a.repetitions, [&] { cpu::matmul_nt(args); }, &samples);
    const double flops = 2.0 * static_cast<double>(m * n * k) / s;
    if (flops > best) {
      best = flops;
      best_samples = std::move(samples);
      best_shape = std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k);
    }
  }
  h.peak_flops_f32 = measured(best, "measured by " + when +
                                        ": looplab::cpu::matmul_nt fp32, best median over "
                                        "three shapes, at m x n x k = " +
                                        best_shape);

  // A 1x4x4 matmul_nt is all fixed cost: dispatch and loop set-up, no threads (too small).
  std::vector<float> x1(4, 1.0f), w1(16, 1.0f), y1(4);
  cpu::MatmulArgs tiny;
  tiny.x = x1.data();
  tiny.w = w1.data();
  tiny.y = y1.data();
  tiny.m = 1;
  tiny.n = 4;
  tiny.k = 4;
  const double op_s = median_seconds(1001, [&] { cpu::matmul_nt(tiny); });
  const std::string op_src = "measured by " + when +
                             ": median of a 1x4x4 matmul_nt call; the CPU backend has no "
                             "kernel launches, this stands for its fixed per-op cost "
                             "(calibration fits it per op kind)";
  h.launch_stream_s = measured(op_s, op_src);
  h.launch_graph_s = measured(op_s, op_src);

  const double mem = static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE));
  h.memory_bytes = measured(mem, "sysconf(_SC_PHYS_PAGES * _SC_PAGE_SIZE) on this host");
  // The kernel's cache topology first: glibc's sysconf reads CPUID, which under a hypervisor can
  // describe the host's whole socket (256 MiB where the guest's CPU sees a 32 MiB L3).
  double llc = largest_sysfs_cache_bytes();
  std::string llc_src = "/sys/devices/system/cpu/cpu0/cache: largest cache level the OS reports for cpu0";
  if (llc <= 0) {
    llc = static_cast<double>(std::max(sysconf(_SC_LEVEL3_CACHE_SIZE), sysconf(_SC_LEVEL2_CACHE_SIZE)));
    llc_src = "sysconf(_SC_LEVEL3/2_CACHE_SIZE): last-level cache as the C library reports it";
  }
  if (llc <= 0) {
    llc = 1 << 20;
    llc_src = "no cache size reported; 1 MiB assumed";
  }
  h.l2_bytes = measured(llc, llc_src);
  h.sm_count = measured(threads, "omp_get_max_threads() on this host: cores the CPU backend uses");

  // Quality: the worse of the two ceilings' verdicts, and at least noisy on a busy machine.
  record_window(before, take_snapshot(), result.machine);
  result.machine_id = host_machine_id(threads);
  result.copy_s = stats::summarize(copy_samples);
  result.matmul_s = stats::summarize(best_samples);
  stats::Verdict v = stats::worst(result.copy_s.verdict, result.matmul_s.verdict);
  std::string note;
  auto spread = [](const char* what, const stats::Summary& sm) {
    char b[120];
    std::snprintf(b, sizeof b, "%s: 95%% interval +-%.1f%% over %lld repetitions", what, 100 * sm.relative_half_width(),
                  static_cast<long long>(sm.samples));
    return std::string(b);
  };
  if (result.copy_s.verdict != stats::Verdict::quiet) note = spread("copy", result.copy_s);
  if (result.matmul_s.verdict != stats::Verdict::quiet)
    note += (note.empty() ? "" : "; ") + spread("matmul", result.matmul_s);
  if (auto busy = busy_reason(result.machine)) {
    v = stats::worst(v, stats::Verdict::noisy);
    note += (note.empty() ? "" : "; ") + *busy;
  }
  result.quality = std::string(stats::to_string(v));
  result.quality_note = note;
  h.description = cpu_model() + ", " + std::to_string(threads) + " OpenMP threads, fp32 CPU backend (" +
                  result.quality + " measurement)";
  return result;
}

}  // namespace looplab
