// A 1,000,000-op run exported to a trace within the stated memory budget: the export streams
// rows from SQLite into zlib, so the exporting process's peak RSS may grow by at most 16 MiB
// (docs/profiler.md). The run is written by a child process so this process starts small.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>

#include "lab/run_trace.hpp"
#include "store/store.hpp"
#include "tests/profiler/trace_check.hpp"
#include "tests/store/sample_rows.hpp"
#include "tests/store/temp_dir.hpp"

using namespace looplab;
using namespace looplab::store;
using namespace looplab::lab;
using looplab::testing::TempDir;

namespace {

constexpr std::int64_t kSteps = 10000, kOpsPerStep = 100;  // 1,000,000 op rows
constexpr std::int64_t kBudgetKiB = 16 * 1024;

std::int64_t status_kib(const char* field) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind(field, 0) == 0) return std::stoll(line.substr(std::strlen(field) + 1));
  return -1;
}

int write_big_run(const std::filesystem::path& db) {
  try {
    auto s = open_store(db, OpenMode::read_write);
    RunInfo info = looplab::testing::sample_run("million");
    RunId id = s->begin_run(info);
    for (std::int64_t chunk = 0; chunk < kSteps; chunk += 1000) {
      RunRows rows;
      for (std::int64_t step = chunk; step < chunk + 1000; ++step) {
        std::int64_t t0 = step * 200000;
        rows.steps.push_back({0, step, step ? "decode" : "prefill", 1, 10 + step, t0, t0 + 150000});
        for (std::int64_t op = 0; op < kOpsPerStep; ++op) {
          OpRow o = looplab::testing::sample_op(0, step, op);
          o.start_ns = t0 + 100 + op * 1000;
          o.end_ns = o.start_ns + 900;
          rows.ops.push_back(std::move(o));
        }
      }
      s->append(id, rows);
    }
    RunRows pred;
    for (std::int64_t step = 0; step < 10; ++step)
      for (std::int64_t op = 0; op < kOpsPerStep; ++op)
        pred.predictions.push_back({step, op, "op" + std::to_string(op), "gemm", 7e-7, 1, 1, "memory"});
    s->append(id, pred);
    looplab::testing::finish(*s, id, RunStatus::complete);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}

}  // namespace

TEST(TraceExport, MillionEventsWithinMemoryBudget) {
  TempDir dir;
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) _exit(write_big_run(dir / "big.db"));
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  auto s = open_store(dir / "big.db", OpenMode::read_only);
  RunId id = s->list_runs().at(0).info.id;
  {
    std::ofstream reset("/proc/self/clear_refs");
    reset << "5";  // resets VmHWM to the current RSS
    if (!reset.good()) GTEST_SKIP() << "cannot reset the peak RSS (/proc/self/clear_refs): budget not measurable";
  }
  std::int64_t before = status_kib("VmHWM:");
  auto t0 = std::chrono::steady_clock::now();
  TraceExportStats st = export_run_trace(*s, id, dir / "big.json.gz");
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::int64_t growth = status_kib("VmHWM:") - before;
  std::int64_t file_bytes = static_cast<std::int64_t>(std::filesystem::file_size(dir / "big.json.gz"));
  std::printf("[ figures  ] %lld events, %.1f MB JSON, %.1f MB gzip, %.2f s, peak RSS growth %lld KiB\n",
              static_cast<long long>(st.events), static_cast<double>(st.uncompressed_bytes) / 1e6,
              static_cast<double>(file_bytes) / 1e6, secs, static_cast<long long>(growth));
  EXPECT_GE(st.events, kSteps * kOpsPerStep + kSteps);
  EXPECT_LE(growth, kBudgetKiB);

  // Reopen: gunzip, parse, check the rules over every event.
  looplab::testing::TraceFile t;
  ASSERT_TRUE(looplab::testing::read_trace(dir / "big.json.gz", t));
  EXPECT_EQ(static_cast<std::int64_t>(t.events.size()), st.events);
  auto bad = looplab::testing::trace_problems(t);
  EXPECT_TRUE(bad.empty()) << bad.front();
}
