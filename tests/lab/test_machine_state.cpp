// Machine state: /proc/stat and /proc/loadavg parsing by hand, CPU lists, the window's
// arithmetic, and the busy rule.
#include <gtest/gtest.h>

#include "lab/machine_state.hpp"

using namespace looplab;
using namespace looplab::lab;

TEST(MachineState, ParsesTheAggregateCpuLine) {
  // user nice system idle iowait irq softirq steal guest guest_nice, in ticks of 1/100 s
  const char* text =
      "cpu  1000 50 250 8000 100 20 30 40 0 0\n"
      "cpu0 500 25 125 4000 50 10 15 20 0 0\n"
      "intr 12345\n";
  auto t = parse_proc_stat(text, 100);
  ASSERT_TRUE(t);
  EXPECT_DOUBLE_EQ(t->busy_s, (1000 + 50 + 250 + 20 + 30) / 100.0);  // 13.5 s
  EXPECT_DOUBLE_EQ(t->idle_s, (8000 + 100) / 100.0);                 // 81 s
  EXPECT_DOUBLE_EQ(t->steal_s, 0.4);
  // Old kernels print four fields: no steal.
  auto old = parse_proc_stat("cpu 10 0 10 80\n", 100);
  ASSERT_TRUE(old);
  EXPECT_DOUBLE_EQ(old->busy_s, 0.2);
  EXPECT_DOUBLE_EQ(old->steal_s, 0.0);
  EXPECT_FALSE(parse_proc_stat("cpu0 1 2 3 4\n", 100));  // per-CPU lines only
  EXPECT_FALSE(parse_proc_stat("cpu 1 2\n", 100));
  EXPECT_FALSE(parse_proc_stat("", 100));
}

TEST(MachineState, ParsesLoadAverage) {
  EXPECT_DOUBLE_EQ(*parse_loadavg("1.25 0.80 0.40 3/92 4578\n"), 1.25);
  EXPECT_FALSE(parse_loadavg("busy"));
  EXPECT_FALSE(parse_loadavg(""));
}

TEST(MachineState, CpuLists) {
  EXPECT_EQ(*parse_cpu_list("0-3,6"), (std::vector<int>{0, 1, 2, 3, 6}));
  EXPECT_EQ(*parse_cpu_list("5"), (std::vector<int>{5}));
  EXPECT_EQ(*parse_cpu_list("6,0-1"), (std::vector<int>{0, 1, 6}));
  std::string why;
  EXPECT_FALSE(parse_cpu_list("3-1", &why));
  EXPECT_NE(why.find("3-1"), std::string::npos) << why;
  EXPECT_FALSE(parse_cpu_list("0,0", &why));
  EXPECT_NE(why.find("twice"), std::string::npos) << why;
  EXPECT_FALSE(parse_cpu_list("a", &why));
  EXPECT_FALSE(parse_cpu_list("", &why));
  EXPECT_FALSE(parse_cpu_list("1,", &why));
  EXPECT_FALSE(parse_cpu_list("-1", &why));
  EXPECT_FALSE(parse_cpu_list("2000", &why));
  EXPECT_EQ(format_cpu_list(std::vector<int>{0, 1, 2, 3, 6}), "0-3,6");
  EXPECT_EQ(format_cpu_list(std::vector<int>{1, 3, 5}), "1,3,5");
  EXPECT_EQ(format_cpu_list({}), "");
}

TEST(MachineState, WindowSubtractsThisProcess) {
  MachineSnapshot a, b;
  a.steady_ns = 1'000'000'000;
  b.steady_ns = 3'000'000'000;  // a 2 s window
  a.cpus = CpuTimes{100.0, 1000.0, 1.0};
  b.cpus = CpuTimes{104.5, 1000.1, 1.2};  // 4.5 CPU-seconds busy, 0.2 s stolen
  a.self_cpu_s = 10.0;
  b.self_cpu_s = 12.5;  // this process used 2.5 of them
  a.load1 = 0.5;
  b.load1 = 1.7;
  store::MachineState m;
  record_window(a, b, m);
  EXPECT_DOUBLE_EQ(*m.window_s, 2.0);
  EXPECT_DOUBLE_EQ(*m.others_cpu_s, 2.0);  // 4.5 - 2.5
  EXPECT_NEAR(*m.steal_fraction, 0.2 / (4.5 + 0.2 + 0.1), 1e-12);
  EXPECT_DOUBLE_EQ(*m.load_after, 1.7);
  auto busy = busy_reason(m);  // 2.0 CPU-s over 2 s = 1.00 CPUs
  ASSERT_TRUE(busy);
  EXPECT_NE(busy->find("1.00 CPUs"), std::string::npos) << *busy;
  // Tick rounding: self above all busy time reads as nobody else.
  b.self_cpu_s = 15.0;
  record_window(a, b, m);
  EXPECT_DOUBLE_EQ(*m.others_cpu_s, 0.0);
}

TEST(MachineState, BusyRule) {
  store::MachineState m;
  EXPECT_FALSE(busy_reason(m));  // nothing known: not claimed busy
  m.window_s = 4;
  m.others_cpu_s = 0.9;  // 0.225 CPUs: below a quarter
  m.steal_fraction = 0.01;
  EXPECT_FALSE(busy_reason(m));
  m.others_cpu_s = 1.1;  // 0.275
  EXPECT_TRUE(busy_reason(m));
  m.others_cpu_s = 0;
  m.steal_fraction = 0.08;
  auto steal = busy_reason(m);
  ASSERT_TRUE(steal);
  EXPECT_NE(steal->find("stole 8%"), std::string::npos) << *steal;
}

TEST(MachineState, SnapshotOfThisMachine) {
  MachineSnapshot s = take_snapshot();
  EXPECT_GT(s.steady_ns, 0);
  EXPECT_TRUE(s.cpus.has_value());  // Linux: /proc/stat is there
  EXPECT_FALSE(allowed_cpus().empty());
  EXPECT_GE(online_cpus(), 1);
}
