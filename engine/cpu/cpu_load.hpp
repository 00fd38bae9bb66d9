// How busy other processes keep the CPUs this process may run on: the CPUs of its affinity mask,
// and /proc/stat's per-CPU time counters sampled over a short window. The thread policy reads it.
#pragma once
#include <chrono>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace looplab::cpu {

// One CPU's time counters since boot, in USER_HZ ticks.
struct CpuTimes {
  long long busy = 0;   // user + nice + system + irq + softirq + steal
  long long total = 0;  // busy + idle + iowait
};

// Per-CPU counters of /proc/stat text, keyed by CPU number ("cpuN ..." lines; the aggregate
// "cpu" line and lines with fewer than the four classic fields are skipped). Steal time counts as
// busy: a vCPU the hypervisor took stalls a thread on it just like another process does.
std::map<int, CpuTimes> parse_proc_stat(std::string_view text);

// Busy CPUs among `cpus` between two snapshots: the sum of each CPU's busy fraction (2.0 = two
// CPUs fully busy). CPUs missing from either snapshot or without elapsed ticks are skipped; -1
// when none is left.
double busy_cpus_between(const std::map<int, CpuTimes>& before, const std::map<int, CpuTimes>& after,
                         std::span<const int> cpus);

// "0-3,6,8-9" for {0, 1, 2, 3, 6, 8, 9} (sorted, duplicates dropped), the kernel's cpu-list form.
std::string format_cpu_list(std::span<const int> cpus);

// CPUs this process may run on (sched_getaffinity), ascending.
std::vector<int> allowed_cpus();

struct CpuLoadSample {
  std::vector<int> allowed_cpus;
  double busy_cpus = -1;  // CPUs among allowed_cpus kept busy by other processes; -1: unknown
};

// How long a sample's window is, and for how long a sample is reused: a process that prepares
// hundreds of backends (the test suites) pays for one window per kSampleReuse, not per backend.
inline constexpr std::chrono::milliseconds kSampleWindow{30};
inline constexpr std::chrono::milliseconds kSampleReuse{500};

// The allowed CPUs and how busy other processes keep them: /proc/stat before and after the
// calling thread sleeps kSampleWindow, less this process's own CPU time over the window (its
// other threads, e.g. OpenMP workers still spinning). The last sample is returned instead when
// it ended less than kSampleReuse ago. Thread-safe.
CpuLoadSample sample_cpu_load();

}  // namespace looplab::cpu
