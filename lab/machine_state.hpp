// The machine's state around a measurement: what else used the CPUs (from /proc/stat and this
// process's own CPU time), hypervisor steal, load averages, the frequency governor, and where the
// process may run (affinity, --pin). A run records it so that a number measured under load says so.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/cpu/cpu_load.hpp"
#include "store/records.hpp"

namespace looplab::lab {

// CPU time of all CPUs together, from the aggregate "cpu" line of /proc/stat.
struct CpuTimes {
  double busy_s = 0;   // user + nice + system + irq + softirq
  double idle_s = 0;   // idle + iowait
  double steal_s = 0;  // taken by the hypervisor for other guests
};
// nullopt when the text has no well-formed "cpu " line. ticks_per_s: sysconf(_SC_CLK_TCK).
std::optional<CpuTimes> parse_proc_stat(std::string_view text, double ticks_per_s);
// The 1-minute load average from /proc/loadavg text.
std::optional<double> parse_loadavg(std::string_view text);
// "0-3,6" -> {0,1,2,3,6}; nullopt (with `error` set) for anything else, duplicates, or CPUs
// above 1023.
std::optional<std::vector<int>> parse_cpu_list(std::string_view text, std::string* error = nullptr);
// {0,1,2,3,6} -> "0-3,6", and the CPUs this process may run on (sched_getaffinity): the CPU
// backend's thread policy reads the same, so they are defined once, in engine/cpu/cpu_load.hpp.
using cpu::allowed_cpus;
using cpu::format_cpu_list;

// One reading of the counters.
struct MachineSnapshot {
  std::int64_t steady_ns = 0;
  std::optional<CpuTimes> cpus;
  double self_cpu_s = 0;  // this process, user + system (getrusage)
  std::optional<double> load1;
};
MachineSnapshot take_snapshot();

// The online CPU count.
std::int64_t online_cpus();
// cpufreq governor of the first allowed CPU; "" when the machine exposes none (most VMs).
std::string cpu_governor();

// Restricts this process (and the threads it starts afterwards) to `cpus`. Throws
// InputError("pin", ...) when the list is malformed or names a CPU the process may not use.
void pin_to_cpus(std::string_view cpu_list);

// Fills the fields known before a run (load_before, cpus, affinity, pinning, governor).
void record_before(const MachineSnapshot& before, std::string_view pinning, store::MachineState& out);
// Fills what the window between the two snapshots says (load_after, others_cpu_s, steal, window).
void record_window(const MachineSnapshot& before, const MachineSnapshot& after, store::MachineState& out);

// A machine is busy when, during the measured window, other processes used more than a quarter
// of a CPU on average, or the hypervisor stole more than 5% of the CPU time: either slows the
// measured code by an amount that has nothing to do with it. Returns the reason, or nullopt.
inline constexpr double kBusyOtherCpus = 0.25;
inline constexpr double kBusySteal = 0.05;
std::optional<std::string> busy_reason(const store::MachineState& m);

}  // namespace looplab::lab
