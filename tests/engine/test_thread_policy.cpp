// The CPU backend's thread policy: /proc/stat parsing, busy CPUs between two snapshots, cpu lists,
// the thread-count rules on given inputs (OMP_NUM_THREADS first), and the backend applying its
// choice. Nothing here depends on the machine's load or on timing.
#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "engine/core/error.hpp"
#include "engine/cpu/cpu_backend.hpp"
#include "engine/cpu/cpu_load.hpp"
#include "engine/cpu/thread_policy.hpp"
#include "engine/runtime/generate.hpp"
#include "engine/runtime/session.hpp"

using namespace looplab;

namespace {

// Two snapshots of a 4-CPU machine 100 ticks apart: cpu0 fully busy (user), cpu1 half busy
// (system + steal), cpu2 idle (idle + iowait), cpu3 a quarter busy (nice + irq + softirq).
constexpr const char* kStatBefore =
    "cpu  4000 400 400 4000 40 40 40 40 0 0\n"
    "cpu0 1000 0 0 1000 0 0 0 0 0 0\n"
    "cpu1 1000 100 200 1000 10 0 0 20 0 0\n"
    "cpu2 1000 100 100 1000 20 0 0 0 0 0\n"
    "cpu3 1000 200 100 1000 10 40 40 20 5 5\n"
    "intr 12345 0 0\n"
    "ctxt 999\n";
constexpr const char* kStatAfter =
    "cpu  4200 410 460 4180 60 50 50 70 0 0\n"
    "cpu0 1100 0 0 1000 0 0 0 0 0 0\n"
    "cpu1 1000 100 225 1050 10 0 0 45 0 0\n"
    "cpu2 1000 100 100 1080 40 0 0 0 0 0\n"
    "cpu3 1000 215 100 1075 10 45 45 20 5 5\n";

CpuThreadInputs inputs(int cpus, double busy, int omp_max = 64, std::string env = "") {
  CpuThreadInputs in;
  for (int c = 0; c < cpus; ++c) in.allowed_cpus.push_back(c);
  in.busy_cpus = busy;
  in.omp_max_threads = omp_max;
  in.omp_num_threads_env = std::move(env);
  return in;
}

int threads(const ThreadPolicy& p, const CpuThreadInputs& in) { return decide_cpu_threads(p, in).threads; }

// Sets an environment variable for one scope and restores what was there.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old, had_ = true;
    if (value)
      setenv(name, value, 1);
    else
      unsetenv(name);
  }
  ~ScopedEnv() {
    if (had_)
      setenv(name_, old_.c_str(), 1);
    else
      unsetenv(name_);
  }

 private:
  const char* name_;
  std::string old_;
  bool had_ = false;
};

}  // namespace

TEST(CpuLoad, ParsesPerCpuLinesOfProcStat) {
  const auto s = cpu::parse_proc_stat(kStatBefore);
  ASSERT_EQ(s.size(), 4u);  // the aggregate "cpu" line, intr and ctxt are not CPUs
  EXPECT_EQ(s.at(0).busy, 1000);
  EXPECT_EQ(s.at(0).total, 2000);
  EXPECT_EQ(s.at(1).busy, 1320);   // user + nice + system + steal
  EXPECT_EQ(s.at(1).total, 2330);  // + idle + iowait
  EXPECT_EQ(s.at(3).busy, 1400);   // guest and guest_nice are inside user and nice already
  EXPECT_EQ(s.at(3).total, 2410);
}

TEST(CpuLoad, ParsesOldKernelsAndSkipsMalformedLines) {
  const auto s = cpu::parse_proc_stat(
      "cpu7 10 20 30 40\n"         // four fields: user nice system idle
      "cpu8 1 2 3\n"               // too few
      "cpu9 1 x 3 4 5\n"           // not a number
      "cpux 1 2 3 4 5\n"           // not a CPU number
      "cpu10\t5 0 5 10 0 0 0 0");  // tabs, no final newline
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s.at(7).busy, 60);
  EXPECT_EQ(s.at(7).total, 100);
  EXPECT_EQ(s.at(10).busy, 10);
  EXPECT_EQ(s.at(10).total, 20);
  EXPECT_TRUE(cpu::parse_proc_stat("").empty());
}

TEST(CpuLoad, BusyCpusBetweenSnapshots) {
  const auto before = cpu::parse_proc_stat(kStatBefore), after = cpu::parse_proc_stat(kStatAfter);
  const std::vector<int> all{0, 1, 2, 3};
  EXPECT_NEAR(cpu::busy_cpus_between(before, after, all), 1.0 + 0.5 + 0.0 + 0.25, 1e-12);
  const std::vector<int> some{1, 2};
  EXPECT_NEAR(cpu::busy_cpus_between(before, after, some), 0.5, 1e-12);
  const std::vector<int> with_missing{0, 5};  // CPU 5 is in neither snapshot
  EXPECT_NEAR(cpu::busy_cpus_between(before, after, with_missing), 1.0, 1e-12);
  const std::vector<int> none{5};
  EXPECT_EQ(cpu::busy_cpus_between(before, after, none), -1);
  EXPECT_EQ(cpu::busy_cpus_between(before, before, all), -1);  // no tick elapsed
}

TEST(CpuLoad, FormatsCpuLists) {
  EXPECT_EQ(cpu::format_cpu_list(std::vector<int>{}), "");
  EXPECT_EQ(cpu::format_cpu_list(std::vector<int>{5}), "5");
  EXPECT_EQ(cpu::format_cpu_list(std::vector<int>{0, 1}), "0-1");
  EXPECT_EQ(cpu::format_cpu_list(std::vector<int>{9, 3, 0, 1, 2, 6, 8, 9}), "0-3,6,8-9");
  EXPECT_EQ(cpu::format_cpu_list(std::vector<int>{0, 2, 4}), "0,2,4");
}

TEST(CpuLoad, AllowedCpusAreThisProcesssMask) {
  const std::vector<int> cpus = cpu::allowed_cpus();
  ASSERT_FALSE(cpus.empty());
  EXPECT_TRUE(std::is_sorted(cpus.begin(), cpus.end()));
}

TEST(ThreadPolicy, ParsesAndPrints) {
  EXPECT_EQ(parse_thread_policy("all").kind, ThreadPolicy::Kind::all);
  EXPECT_EQ(parse_thread_policy("available").kind, ThreadPolicy::Kind::available);
  const ThreadPolicy three = parse_thread_policy("3");
  EXPECT_EQ(three.kind, ThreadPolicy::Kind::fixed);
  EXPECT_EQ(three.threads, 3);
  for (const char* text : {"all", "available", "1", "12"}) EXPECT_EQ(to_string(parse_thread_policy(text)), text);
  for (const char* bad : {"", "0", "-2", "3x", "All", " 2"}) {
    try {
      parse_thread_policy(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const InputError& e) {
      EXPECT_EQ(e.field(), "threads");
    }
  }
}

TEST(ThreadPolicy, AllUsesEveryAllowedCpu) {
  EXPECT_EQ(threads(ThreadPolicy::all(), inputs(2, 1.0)), 2);
  EXPECT_EQ(threads(ThreadPolicy::all(), inputs(8, 7.5)), 8);
  const CpuThreadChoice c = decide_cpu_threads(ThreadPolicy::all(), inputs(2, -1));
  EXPECT_EQ(c.cpus_allowed, 2);
  EXPECT_EQ(c.cpu_list, "0-1");
  EXPECT_EQ(c.reason, "all: 2 CPUs allowed (0-1) -> 2 threads");
}

TEST(ThreadPolicy, AvailableLeavesOutCpusOthersKeepBusy) {
  const ThreadPolicy a = ThreadPolicy::available();
  EXPECT_EQ(threads(a, inputs(2, 0.0)), 2);
  EXPECT_EQ(threads(a, inputs(2, 0.2)), 2);   // background noise
  EXPECT_EQ(threads(a, inputs(2, 0.3)), 1);   // over a quarter of a CPU counts as a busy CPU
  EXPECT_EQ(threads(a, inputs(2, 1.0)), 1);   // one spinning competitor
  EXPECT_EQ(threads(a, inputs(2, 1.98)), 1);  // never fewer than one
  EXPECT_EQ(threads(a, inputs(4, 1.0)), 3);
  EXPECT_EQ(threads(a, inputs(4, 1.2)), 3);
  EXPECT_EQ(threads(a, inputs(4, 1.3)), 2);
  EXPECT_EQ(threads(a, inputs(16, 0.0)), 16);
  EXPECT_EQ(threads(a, inputs(2, -1)), 2);  // busy unknown: every allowed CPU
  const CpuThreadChoice c = decide_cpu_threads(a, inputs(2, 1.0));
  EXPECT_EQ(c.busy_cpus, 1.0);
  EXPECT_EQ(c.reason, "available: 2 CPUs allowed (0-1), 1.00 busy with other processes -> 1 thread");
  EXPECT_NE(decide_cpu_threads(a, inputs(2, -1)).reason.find("unknown"), std::string::npos);
}

TEST(ThreadPolicy, OpenMpSettingCapsTheAutomaticPolicies) {
  // omp_set_num_threads(1) in the program (no environment variable) still holds.
  EXPECT_EQ(threads(ThreadPolicy::all(), inputs(2, 0.0, 1)), 1);
  EXPECT_EQ(threads(ThreadPolicy::available(), inputs(4, 0.0, 3)), 3);
  EXPECT_NE(decide_cpu_threads(ThreadPolicy::all(), inputs(2, 0.0, 1)).reason.find("capped"), std::string::npos);
  EXPECT_EQ(threads(ThreadPolicy::fixed(3), inputs(2, 0.0, 1)), 3);  // fixed is exact
}

TEST(ThreadPolicy, FixedIsExact) {
  EXPECT_EQ(threads(ThreadPolicy::fixed(1), inputs(8, 0.0)), 1);
  EXPECT_EQ(threads(ThreadPolicy::fixed(3), inputs(2, 1.5)), 3);
  EXPECT_THROW(decide_cpu_threads(ThreadPolicy::fixed(0), inputs(2, 0.0)), InputError);
  // Oversubscription is capped at 4 threads per allowed CPU: 8 of 2 is fine, 9 is refused (a
  // count of 25 million crashed the OpenMP runtime).
  EXPECT_EQ(threads(ThreadPolicy::fixed(8), inputs(2, 0.0)), 8);
  try {
    (void)decide_cpu_threads(ThreadPolicy::fixed(9), inputs(2, 0.0));
    ADD_FAILURE() << "9 threads on 2 CPUs accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "threads");
  }
  EXPECT_THROW(decide_cpu_threads(ThreadPolicy::fixed(25079648), inputs(2, 0.0)), InputError);
}

TEST(ThreadPolicy, OmpNumThreadsInTheEnvironmentWins) {
  for (const ThreadPolicy& p : {ThreadPolicy::all(), ThreadPolicy::available(), ThreadPolicy::fixed(4)}) {
    const CpuThreadChoice c = decide_cpu_threads(p, inputs(2, 0.0, 1, "1"));
    EXPECT_EQ(c.threads, 1) << to_string(p);
    EXPECT_EQ(c.reason, "OMP_NUM_THREADS=1 in the environment");
    EXPECT_EQ(threads(p, inputs(2, 1.5, 3, "3")), 3) << to_string(p);    // even above the CPUs
    EXPECT_EQ(threads(p, inputs(2, 0.0, 4, "4,2")), 4) << to_string(p);  // nested list: its first level
  }
  // Not a count: the OpenMP runtime ignores it, and so does the policy.
  for (const char* ignored : {"", "abc", "0", "-1", "2x"}) {
    EXPECT_EQ(threads(ThreadPolicy::available(), inputs(2, 1.0, 2, ignored)), 1) << ignored;
    EXPECT_EQ(threads(ThreadPolicy::all(), inputs(2, 1.0, 2, ignored)), 2) << ignored;
  }
}

TEST(ThreadPolicy, ChoiceOnThisMachineFollowsTheEnvironment) {
  const auto allowed = static_cast<int>(cpu::allowed_cpus().size());
  {
    const ScopedEnv env("OMP_NUM_THREADS", "1");
    const CpuThreadChoice c = choose_cpu_threads(ThreadPolicy::available());
    EXPECT_EQ(c.threads, omp_get_max_threads());  // what the runtime made of the variable at start-up
    EXPECT_EQ(c.reason, "OMP_NUM_THREADS=1 in the environment");
    EXPECT_EQ(c.busy_cpus, -1);  // nothing sampled
  }
  const ScopedEnv env("OMP_NUM_THREADS", nullptr);
  const CpuThreadChoice fixed = choose_cpu_threads(ThreadPolicy::fixed(3));
  EXPECT_EQ(fixed.threads, 3);
  EXPECT_EQ(fixed.cpus_allowed, allowed);
  const CpuThreadChoice avail = choose_cpu_threads(ThreadPolicy::available());
  EXPECT_GE(avail.threads, 1);
  EXPECT_LE(avail.threads, std::min(allowed, omp_get_max_threads()));
  EXPECT_GE(avail.busy_cpus, 0.0);  // /proc/stat was read
  EXPECT_LE(avail.busy_cpus, allowed + 1e-9);
}

TEST(ThreadPolicy, BackendRunsOnItsChoiceAndGivesTheSameResultOnAnyCount) {
  const ScopedEnv env("OMP_NUM_THREADS", nullptr);
  ModelConfig c = load_model("small");  // large enough that its ops go parallel
  const Weights w = random_weights(c, 5);
  const std::vector<std::int32_t> prompts = random_prompts(5, 2, 6, c.vocab);
  std::vector<std::vector<float>> hidden;
  const int caller_threads = omp_get_max_threads();
  for (int n : {1, 3}) {
    omp_set_num_threads(5);
    CpuBackend backend(ThreadPolicy::fixed(n));
    EXPECT_EQ(backend.threads(), 1);  // not prepared yet
    Session s(c, w, backend, {2, 16, 6});
    EXPECT_EQ(backend.threads(), n);
    EXPECT_EQ(backend.thread_choice().reason, "fixed at " + std::to_string(n) + (n == 1 ? " thread" : " threads"));
    auto next = s.prefill(prompts);
    for (int i = 0; i < 3; ++i) next = s.decode(next);
    hidden.push_back(backend.final_hidden());
    EXPECT_EQ(omp_get_max_threads(), 5);  // the backend's count does not leak to the caller
  }
  omp_set_num_threads(caller_threads);
  EXPECT_EQ(hidden[0], hidden[1]);  // each output is one thread's sum: bit for bit
}
