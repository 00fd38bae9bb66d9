// /proc/stat parsing, the affinity mask, and the sampled busy CPUs (with the short-lived cache
// that keeps repeated backend preparation cheap).
#include "engine/cpu/cpu_load.hpp"

#include <sched.h>
#include <sys/resource.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

namespace looplab::cpu {
namespace {

std::optional<long long> to_ll(std::string_view s) {
  long long v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

// Whitespace-separated fields of one line.
std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

std::optional<std::map<int, CpuTimes>> read_proc_stat() {
  std::ifstream f("/proc/stat");
  if (!f) return std::nullopt;
  std::stringstream text;
  text << f.rdbuf();
  return parse_proc_stat(text.str());
}

double own_cpu_s() {
  rusage u{};
  if (getrusage(RUSAGE_SELF, &u) != 0) return 0;
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec); };
  return s(u.ru_utime) + s(u.ru_stime);
}

CpuLoadSample fresh_sample(std::vector<int> cpus) {
  CpuLoadSample s{std::move(cpus), -1};
  const auto before = read_proc_stat();
  const double own0 = own_cpu_s();
  const auto t0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(kSampleWindow);
  const auto after = read_proc_stat();
  const double own_cpus =
      (own_cpu_s() - own0) / std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!before || !after) return s;
  const double busy = busy_cpus_between(*before, *after, s.allowed_cpus);
  if (busy >= 0) s.busy_cpus = std::max(0.0, busy - own_cpus);
  return s;
}

}  // namespace

std::map<int, CpuTimes> parse_proc_stat(std::string_view text) {
  std::map<int, CpuTimes> out;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    const auto f = fields(line);
    if (f.size() < 5 || f[0].size() < 4 || f[0].substr(0, 3) != "cpu") continue;
    const auto cpu = to_ll(f[0].substr(3));
    if (!cpu) continue;
    // user nice system idle [iowait irq softirq steal [guest guest_nice]]; guest time is already
    // inside user and nice, so it is not added again.
    long long v[8] = {};
    bool ok = true;
    for (std::size_t i = 0; i < 8 && i + 1 < f.size(); ++i) {
      const auto x = to_ll(f[i + 1]);
      if (!x)
        ok = false;
      else
        v[i] = *x;
    }
    if (!ok) continue;
    CpuTimes t;
    t.busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
    t.total = t.busy + v[3] + v[4];
    out[static_cast<int>(*cpu)] = t;
  }
  return out;
}

double busy_cpus_between(const std::map<int, CpuTimes>& before, const std::map<int, CpuTimes>& after,
                         std::span<const int> cpus) {
  double busy = 0;
  bool any = false;
  for (int c : cpus) {
    const auto b = before.find(c), a = after.find(c);
    if (b == before.end() || a == after.end()) continue;
    const long long total = a->second.total - b->second.total;
    if (total <= 0) continue;
    const long long used = std::clamp(a->second.busy - b->second.busy, 0LL, total);
    busy += static_cast<double>(used) / static_cast<double>(total);
    any = true;
  }
  return any ? busy : -1;
}

std::string format_cpu_list(std::span<const int> cpus) {
  std::vector<int> v(cpus.begin(), cpus.end());
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  std::string out;
  for (std::size_t i = 0; i < v.size();) {
    std::size_t j = i;
    while (j + 1 < v.size() && v[j + 1] == v[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(v[i]);
    if (j > i) out += '-' + std::to_string(v[j]);
    i = j + 1;
  }
  return out;
}

std::vector<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> out;
  if (sched_getaffinity(0, sizeof(set), &set) != 0) {
    const unsigned n = std::max(1u, std::thread::hardware_concurrency());
    for (unsigned c = 0; c < n; ++c) out.push_back(static_cast<int>(c));
    return out;
  }
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &set)) out.push_back(c);
  return out;
}

CpuLoadSample sample_cpu_load() {
  static std::mutex mutex;
  static std::optional<CpuLoadSample> last;
  static std::chrono::steady_clock::time_point last_end;
  std::vector<int> cpus = allowed_cpus();
  const std::lock_guard lock(mutex);
  if (last && last->allowed_cpus == cpus && std::chrono::steady_clock::now() - last_end < kSampleReuse) return *last;
  last = fresh_sample(std::move(cpus));
  last_end = std::chrono::steady_clock::now();
  return *last;
}

}  // namespace looplab::cpu
