// How many OpenMP threads the CPU backend uses: every allowed CPU, only the CPUs other processes
// leave free, or a fixed count. A descheduled thread stalls its partners at every barrier, so on
// a loaded machine fewer threads than cores run a decode step faster and far more steadily.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace looplab {

struct ThreadPolicy {
  enum class Kind : std::uint8_t {
    all,        // one thread per CPU of the affinity mask (the OpenMP default)
    available,  // the allowed CPUs less those other processes keep busy (the backend's default)
    fixed,      // exactly `threads`
  };
  Kind kind = Kind::available;
  int threads = 0;  // Kind::fixed only, >= 1

  static ThreadPolicy all() { return {Kind::all, 0}; }
  static ThreadPolicy available() { return {Kind::available, 0}; }
  static ThreadPolicy fixed(int n) { return {Kind::fixed, n}; }
};

// "all", "available", or a positive count ("3": fixed 3); InputError (field "threads") otherwise.
ThreadPolicy parse_thread_policy(std::string_view text);
// A fixed count may oversubscribe the allowed CPUs at most this many times over.
inline constexpr int kMaxThreadsPerCpu = 4;
// The inverse of parse_thread_policy: "all", "available", "3".
std::string to_string(const ThreadPolicy& policy);

// The decision, for the backend and for a run's record.
struct CpuThreadChoice {
  int threads = 1;        // OpenMP threads the backend's parallel regions use
  int cpus_allowed = 1;   // CPUs in this process's affinity mask
  std::string cpu_list;   // those CPUs, "0-3,6" (the pinning, for the record)
  double busy_cpus = -1;  // CPUs among them other processes kept busy; -1: not sampled
  std::string reason;     // one line: what decided `threads`
};

// What the decision is made from; choose_cpu_threads reads it from this machine.
struct CpuThreadInputs {
  std::vector<int> allowed_cpus;    // sched_getaffinity
  double busy_cpus = -1;            // other processes' busy CPUs among allowed_cpus; -1: unknown
  int omp_max_threads = 1;          // omp_get_max_threads(): OMP_NUM_THREADS or omp_set_num_threads
  std::string omp_num_threads_env;  // OMP_NUM_THREADS as set in the environment; empty if unset
};

// The rules, in order:
// 1. OMP_NUM_THREADS set in the environment (its first entry a positive count) wins over any
//    policy: threads = omp_max_threads, what the OpenMP runtime made of it.
// 2. fixed: exactly the policy's count.
// 3. all: one per allowed CPU; available: the allowed CPUs less the busy ones, a CPU counting as
//    busy once other processes keep a quarter of it busy (threads = floor(allowed - busy + 0.25),
//    at least 1; all allowed CPUs when busy is unknown). Both at most omp_max_threads, so a
//    program's omp_set_num_threads(1) still holds.
CpuThreadChoice decide_cpu_threads(const ThreadPolicy& policy, const CpuThreadInputs& in);

// decide_cpu_threads on this machine's state. Policy `available` samples the CPUs' busy time
// (cpu::sample_cpu_load: a 30 ms window, reused for 500 ms); the others read no counters.
CpuThreadChoice choose_cpu_threads(const ThreadPolicy& policy);

}  // namespace looplab
