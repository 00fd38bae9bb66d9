// Reading /proc/stat, /proc/loadavg, getrusage and sched affinity (machine_state.hpp).
#include "lab/machine_state.hpp"

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "engine/core/error.hpp"
#include "profiler/tracer.hpp"

namespace looplab::lab {

namespace {

std::string read_file(const char* path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

double rusage_self_s() {
  rusage u{};
  if (getrusage(RUSAGE_SELF, &u) != 0) return 0;
  auto sec = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; };
  return sec(u.ru_utime) + sec(u.ru_stime);
}

}  // namespace

std::optional<CpuTimes> parse_proc_stat(std::string_view text, double ticks_per_s) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.rfind("cpu ", 0) != 0) continue;
    std::istringstream in{std::string(line.substr(4))};
    // user nice system idle iowait irq softirq steal [guest guest_nice] (guest is inside user)
    double f[8] = {};
    int n = 0;
    while (n < 8 && in >> f[n]) ++n;
    if (n < 4 || ticks_per_s <= 0) return std::nullopt;
    CpuTimes t;
    t.busy_s = (f[0] + f[1] + f[2] + f[5] + f[6]) / ticks_per_s;
    t.idle_s = (f[3] + f[4]) / ticks_per_s;
    t.steal_s = f[7] / ticks_per_s;
    return t;
  }
  return std::nullopt;
}

std::optional<double> parse_loadavg(std::string_view text) {
  double v = 0;
  const char* b = text.data();
  while (b < text.data() + text.size() && *b == ' ') ++b;
  auto [p, ec] = std::from_chars(b, text.data() + text.size(), v);
  if (ec != std::errc() || p == b || v < 0) return std::nullopt;
  return v;
}

std::optional<std::vector<int>> parse_cpu_list(std::string_view text, std::string* error) {
  auto fail = [&](const std::string& why) -> std::optional<std::vector<int>> {
    if (error) *error = why;
    return std::nullopt;
  };
  if (text.empty()) return fail("empty CPU list");
  std::set<int> cpus;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    const std::string_view item = text.substr(pos, comma - pos);
    const std::size_t dash = item.find('-');
    auto number = [&](std::string_view s, int& out) {
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
      return ec == std::errc() && p == s.data() + s.size() && !s.empty() && out >= 0 && out < 1024;
    };
    int lo = 0, hi = 0;
    if (dash == std::string_view::npos) {
      if (!number(item, lo)) return fail("'" + std::string(item) + "' is not a CPU number (0-1023)");
      hi = lo;
    } else if (!number(item.substr(0, dash), lo) || !number(item.substr(dash + 1), hi) || hi < lo) {
      return fail("'" + std::string(item) + "' is not a CPU range like 2-5");
    }
    for (int c = lo; c <= hi; ++c)
      if (!cpus.insert(c).second) return fail("CPU " + std::to_string(c) + " is listed twice");
    if (comma == text.size()) break;
    pos = comma + 1;
  }
  return std::vector<int>(cpus.begin(), cpus.end());
}

MachineSnapshot take_snapshot() {
  MachineSnapshot s;
  s.steady_ns = profiler::steady_now_ns();
  s.cpus = parse_proc_stat(read_file("/proc/stat"), static_cast<double>(sysconf(_SC_CLK_TCK)));
  s.self_cpu_s = rusage_self_s();
  s.load1 = parse_loadavg(read_file("/proc/loadavg"));
  return s;
}

std::int64_t online_cpus() { return std::max<long>(1, sysconf(_SC_NPROCESSORS_ONLN)); }

std::string cpu_governor() {
  const std::vector<int> cpus = allowed_cpus();
  const std::string path =
      "/sys/devices/system/cpu/cpu" + std::to_string(cpus.empty() ? 0 : cpus.front()) + "/cpufreq/scaling_governor";
  std::string g = read_file(path.c_str());
  while (!g.empty() && (g.back() == '\n' || g.back() == ' ')) g.pop_back();
  return g;
}

void pin_to_cpus(std::string_view cpu_list) {
  std::string why;
  const auto cpus = parse_cpu_list(cpu_list, &why);
  if (!cpus) throw InputError("pin", why);
  const std::vector<int> allowed = allowed_cpus();
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int c : *cpus) {
    if (std::find(allowed.begin(), allowed.end(), c) == allowed.end())
      throw InputError("pin", "CPU " + std::to_string(c) +
                                  " is not available to this process (allowed: " + format_cpu_list(allowed) + ")");
    CPU_SET(c, &set);
  }
  if (sched_setaffinity(0, sizeof set, &set) != 0)
    throw InputError("pin", "the system refused to pin to CPUs " + std::string(cpu_list));
}

void record_before(const MachineSnapshot& before, std::string_view pinning, store::MachineState& out) {
  out.load_before = before.load1;
  out.cpus_online = online_cpus();
  out.affinity = format_cpu_list(allowed_cpus());
  out.pinning = std::string(pinning);
  out.governor = cpu_governor();
}

void record_window(const MachineSnapshot& before, const MachineSnapshot& after, store::MachineState& out) {
  out.load_after = after.load1;
  out.window_s = static_cast<double>(after.steady_ns - before.steady_ns) * 1e-9;
  if (before.cpus && after.cpus) {
    const double busy = after.cpus->busy_s - before.cpus->busy_s;
    const double self = after.self_cpu_s - before.self_cpu_s;
    // /proc/stat counts in ticks (10 ms): a small negative difference is rounding, not time.
    out.others_cpu_s = std::max(0.0, busy - self);
    const double steal = after.cpus->steal_s - before.cpus->steal_s;
    const double all = busy + steal + (after.cpus->idle_s - before.cpus->idle_s);
    out.steal_fraction = all > 0 ? std::max(0.0, steal) / all : 0.0;
  }
}

std::optional<std::string> busy_reason(const store::MachineState& m) {
  char b[200];
  if (m.others_cpu_s && m.window_s && *m.window_s > 0) {
    const double cpus = *m.others_cpu_s / *m.window_s;
    if (cpus > kBusyOtherCpus) {
      std::snprintf(b, sizeof b, "machine busy: other processes used %.2f CPUs on average while measuring", cpus);
      return std::string(b);
    }
  }
  if (m.steal_fraction && *m.steal_fraction > kBusySteal) {
    std::snprintf(b, sizeof b, "machine busy: the hypervisor stole %.0f%% of the CPU time while measuring",
                  100 * *m.steal_fraction);
    return std::string(b);
  }
  return std::nullopt;
}

}  // namespace looplab::lab
