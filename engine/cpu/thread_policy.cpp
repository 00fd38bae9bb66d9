// The thread-count rules of thread_policy.hpp, and the machine state they are applied to.
#include "engine/cpu/thread_policy.hpp"

#include <omp.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "engine/core/error.hpp"
#include "engine/cpu/cpu_load.hpp"

namespace looplab {
namespace {

// A positive count at the start of an OpenMP thread list ("4", "4,2"), else 0.
int leading_count(std::string_view text) {
  int n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || n < 1) return 0;
  if (end != text.data() + text.size() && *end != ',') return 0;
  return n;
}

std::string plural(int n, const char* what) { return std::to_string(n) + " " + what + (n == 1 ? "" : "s"); }

}  // namespace

ThreadPolicy parse_thread_policy(std::string_view text) {
  if (text == "all") return ThreadPolicy::all();
  if (text == "available") return ThreadPolicy::available();
  int n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec == std::errc{} && end == text.data() + text.size() && n >= 1) return ThreadPolicy::fixed(n);
  throw InputError("threads", "'" + std::string(text) + "' is not all, available or a positive count");
}

std::string to_string(const ThreadPolicy& policy) {
  switch (policy.kind) {
    case ThreadPolicy::Kind::all:
      return "all";
    case ThreadPolicy::Kind::available:
      return "available";
    case ThreadPolicy::Kind::fixed:
      return std::to_string(policy.threads);
  }
  return "?";
}

CpuThreadChoice decide_cpu_threads(const ThreadPolicy& policy, const CpuThreadInputs& in) {
  CpuThreadChoice c;
  c.cpus_allowed = std::max(1, static_cast<int>(in.allowed_cpus.size()));
  c.cpu_list = cpu::format_cpu_list(in.allowed_cpus);
  c.busy_cpus = in.busy_cpus;
  const int omp_max = std::max(1, in.omp_max_threads);
  if (leading_count(in.omp_num_threads_env) > 0) {
    c.threads = omp_max;
    c.reason = "OMP_NUM_THREADS=" + in.omp_num_threads_env + " in the environment";
    return c;
  }
  if (policy.kind == ThreadPolicy::Kind::fixed) {
    if (policy.threads < 1) throw InputError("threads", "a fixed count must be at least 1");
    // Beyond a few threads per CPU every barrier waits on a descheduled thread, and counts in the
    // tens of thousands make the OpenMP runtime fail to create them (or crash).
    if (policy.threads > kMaxThreadsPerCpu * c.cpus_allowed)
      throw InputError("threads", std::to_string(policy.threads) + " is more than " +
                                      std::to_string(kMaxThreadsPerCpu) + " per CPU this process may use (" +
                                      plural(c.cpus_allowed, "CPU") + " allowed: at most " +
                                      std::to_string(kMaxThreadsPerCpu * c.cpus_allowed) + ")");
    c.threads = policy.threads;
    c.reason = "fixed at " + plural(policy.threads, "thread");
    return c;
  }
  int want = c.cpus_allowed;
  c.reason = plural(c.cpus_allowed, "CPU") + " allowed (" + c.cpu_list + ")";
  if (policy.kind == ThreadPolicy::Kind::available) {
    if (in.busy_cpus < 0) {
      c.reason += ", busy CPUs unknown";
    } else {
      want = std::max(1, static_cast<int>(std::floor(c.cpus_allowed - in.busy_cpus + 0.25)));
      char busy[32];
      std::snprintf(busy, sizeof busy, "%.2f", in.busy_cpus);
      c.reason += ", " + std::string(busy) + " busy with other processes";
    }
  }
  c.threads = std::min(want, omp_max);
  if (c.threads < want) c.reason += ", capped by the OpenMP setting";
  c.reason = to_string(policy) + ": " + c.reason + " -> " + plural(c.threads, "thread");
  return c;
}

CpuThreadChoice choose_cpu_threads(const ThreadPolicy& policy) {
  CpuThreadInputs in;
  const char* env = std::getenv("OMP_NUM_THREADS");
  in.omp_num_threads_env = env ? env : "";
  in.omp_max_threads = omp_get_max_threads();
  const bool env_decides = leading_count(in.omp_num_threads_env) > 0;
  if (policy.kind == ThreadPolicy::Kind::available && !env_decides) {
    cpu::CpuLoadSample s = cpu::sample_cpu_load();
    in.allowed_cpus = std::move(s.allowed_cpus);
    in.busy_cpus = s.busy_cpus;
  } else {
    in.allowed_cpus = cpu::allowed_cpus();
  }
  return decide_cpu_threads(policy, in);
}

}  // namespace looplab
