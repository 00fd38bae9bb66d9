// The `looplab` executable end to end on the CPU backend: run -> store -> runs -> trace, Ctrl-C
// during a run, and the --db faults with their exit code 2 and one-line messages.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "store/store.hpp"
#include "tests/profiler/trace_check.hpp"
#include "tests/store/host_spec.hpp"
#include "tests/store/temp_dir.hpp"

extern char** environ;

using namespace looplab;
using looplab::testing::TempDir;

namespace {

struct Proc {
  pid_t pid = -1;
  std::filesystem::path out, err;
};

Proc start(const std::vector<std::string>& args, const std::filesystem::path& dir, const std::string& tag) {
  Proc p;
  p.out = dir / (tag + ".out");
  p.err = dir / (tag + ".err");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, p.out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, p.err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<std::string> all = {LOOPLAB_CLI};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  if (posix_spawn(&p.pid, LOOPLAB_CLI, &fa, nullptr, argv.data(), environ) != 0) p.pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  return p;
}

int wait_exit(const Proc& p) {
  int status = 0;
  waitpid(p.pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string slurp(const std::filesystem::path& f) {
  std::ifstream in(f);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct Result {
  int rc;
  std::string out, err;
};
Result run(const std::vector<std::string>& args, const std::filesystem::path& dir) {
  static int n = 0;
  Proc p = start(args, dir, "cmd" + std::to_string(n++));
  int rc = wait_exit(p);
  return {rc, slurp(p.out), slurp(p.err)};
}

}  // namespace

TEST(Cli, RunStoresListsShowsExportsAndTraces) {
  TempDir dir;
  std::string db = (dir / "l.db").string(), spec = looplab::testing::write_host_spec(dir.path()).string();
  std::string trace = (dir / "t.json.gz").string();
  Result r = run({"run", "--model", "tiny", "--backend", "cpu", "--decode-steps", "4", "--repeat", "2", "--db", db,
                  "--hardware", spec, "--trace", trace, "--json"},
                 dir.path());
  ASSERT_EQ(r.rc, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["run"]["status"], "complete");
  EXPECT_EQ(j["run"]["backend"], "cpu");
  EXPECT_EQ(j["table"].back()["kind"], "step");
  EXPECT_GT(j["trace"]["events"].get<int>(), 0);
  looplab::testing::TraceFile t;
  ASSERT_TRUE(looplab::testing::read_trace(trace, t));
  EXPECT_TRUE(looplab::testing::trace_problems(t).empty());

  Result second = run({"run", "--model", "tiny", "--variant", "looped", "--decode-steps", "4", "--repeat", "2", "--db", db,
                       "--hardware", spec},
                      dir.path());
  ASSERT_EQ(second.rc, 0) << second.err;
  EXPECT_NE(second.out.find("decode   step"), std::string::npos) << second.out;

  Result list = run({"runs", "list", "--db", db, "--json"}, dir.path());
  ASSERT_EQ(list.rc, 0) << list.err;
  auto runs = nlohmann::json::parse(list.out);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0]["variant"], "looped");
  EXPECT_EQ(runs[1]["variant"], "plt");

  Result show = run({"runs", "show", "1", "--db", db}, dir.path());
  EXPECT_EQ(show.rc, 0);
  EXPECT_NE(show.out.find("run 1 (complete)"), std::string::npos) << show.out;

  Result csv = run({"runs", "export", "1", "--csv", "--db", db}, dir.path());
  EXPECT_EQ(csv.rc, 0);
  EXPECT_EQ(csv.out.rfind("repeat,step,phase,op_index,name,kind", 0), 0u);
  std::size_t lines = static_cast<std::size_t>(std::count(csv.out.begin(), csv.out.end(), '\n'));
  auto s = store::open_store(db, store::OpenMode::read_only);
  EXPECT_EQ(lines, 1 + s->read_rows(1).ops.size());

  Result cmp = run({"runs", "compare", "1", "2", "--db", db, "--json"}, dir.path());
  ASSERT_EQ(cmp.rc, 0) << cmp.err;
  auto c = nlohmann::json::parse(cmp.out);
  EXPECT_EQ(c["by_step"].size(), 5u);  // prefill + 4 decode steps
  EXPECT_FALSE(c["by_kind"].empty());

  std::string t2 = (dir / "t2.json.gz").string();
  Result tr = run({"runs", "trace", "2", "-o", t2, "--db", db}, dir.path());
  EXPECT_EQ(tr.rc, 0) << tr.err;
  looplab::testing::TraceFile tf;
  ASSERT_TRUE(looplab::testing::read_trace(t2, tf));
  EXPECT_TRUE(looplab::testing::trace_problems(tf).empty());
}

TEST(Cli, CtrlCKeepsTheRunIncomplete) {
  TempDir dir;
  std::string db = (dir / "c.db").string(), spec = looplab::testing::write_host_spec(dir.path()).string();
  Proc p = start({"run", "--model", "tiny", "--decode-steps", "50", "--repeat", "100000", "--db", db, "--hardware",
                  spec},
                 dir.path(), "ctrlc");
  ASSERT_GT(p.pid, 0);
  bool measuring = false;
  for (int i = 0; i < 3000 && !measuring; ++i) {  // up to 30 s for the first repeat to land
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    try {
      auto s = store::open_store(db, store::OpenMode::read_only);
      auto runs = s->list_runs();
      measuring = !runs.empty() && runs[0].op_rows > 0;
    } catch (const std::exception&) {
    }
  }
  ASSERT_TRUE(measuring) << slurp(p.err);
  kill(p.pid, SIGINT);
  int rc = wait_exit(p);
  EXPECT_EQ(rc, 130);
  std::string err = slurp(p.err);
  EXPECT_NE(err.find("interrupted: run 1 is stored as incomplete"), std::string::npos) << err;
  auto s = store::open_store(db, store::OpenMode::read_only);
  auto run1 = s->get_run(1);
  ASSERT_TRUE(run1);
  EXPECT_EQ(run1->status, store::RunStatus::interrupted);
  EXPECT_FALSE(run1->complete);
  EXPECT_NE(run1->error.find("Ctrl-C"), std::string::npos);
  EXPECT_GT(s->read_rows(1).ops.size(), 0u);
}

TEST(Cli, DbFaultsExitWithCode2AndOneLine) {
  TempDir dir;
  Result d = run({"run", "--model", "tiny", "--db", dir.path().string()}, dir.path());
  EXPECT_EQ(d.rc, 2);
  EXPECT_NE(d.err.find("db: "), std::string::npos);
  EXPECT_NE(d.err.find("is a directory"), std::string::npos) << d.err;
  EXPECT_EQ(std::count(d.err.begin(), d.err.end(), '\n'), 1);

  std::ofstream(dir / "junk.db") << std::string(5000, 'j');
  Result g = run({"runs", "list", "--db", (dir / "junk.db").string()}, dir.path());
  EXPECT_EQ(g.rc, 2);
  EXPECT_NE(g.err.find("not a looplab store"), std::string::npos) << g.err;

  Result m = run({"runs", "show", "3", "--db", (dir / "missing.db").string()}, dir.path());
  EXPECT_EQ(m.rc, 2);
  EXPECT_NE(m.err.find("does not exist"), std::string::npos) << m.err;

  Result bad = run({"run", "--model", "tiny", "--repeat", "0", "--db", (dir / "x.db").string()}, dir.path());
  EXPECT_EQ(bad.rc, 2);
  EXPECT_NE(bad.err.find("repeat: "), std::string::npos) << bad.err;
}

// `looplab sweep --db`: the stored sweep has every point of the CSV written by the same run,
// with the same configs, predicted decode step, KV bytes, compute and Pareto flags.
TEST(Cli, SweepIntoTheStoreMatchesItsCsv) {
  TempDir dir;
  const std::string spec = (dir / "grid.json").string(), db = (dir / "s.db").string();
  const std::string csv = (dir / "grid.csv").string();
  std::ofstream(spec) << R"({"name": "tiny-grid", "models": ["tiny"], "variants": ["vanilla", "looped", "plt"],
    "loops": [2, 3], "windows": [4], "batches": [1, 8], "contexts": [64, 512], "hardware": ["h200", "l40s"]})";
  Result r = run({"sweep", spec, "--db", db, "--out", csv, "--no-progress"}, dir.path());
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_NE(r.out.find("stored as sweep 1"), std::string::npos) << r.out;

  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  for (std::stringstream hs(line); std::getline(hs, line, ',');) header.push_back(line);
  auto col = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  std::vector<std::vector<std::string>> rows;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream ls(line);
    for (std::string c; std::getline(ls, c, ',');) cells.push_back(c);
    if (line.back() == ',') cells.emplace_back();
    rows.push_back(cells);
  }
  // vanilla runs once whatever the loops: 2 hardware x 2 batches x 2 contexts x (1 + 2 + 2).
  ASSERT_EQ(rows.size(), 40u);

  auto s = store::open_store(db, store::OpenMode::read_only);
  const auto sweeps = s->sweeps();
  ASSERT_EQ(sweeps.size(), 1u);
  EXPECT_EQ(sweeps[0].name, "tiny-grid");
  EXPECT_EQ(sweeps[0].points, 40);
  EXPECT_NE(sweeps[0].spec_json.find("\"tiny-grid\""), std::string::npos);
  EXPECT_FALSE(sweeps[0].engine_commit.empty());
  const auto points = s->read_sweep_points(sweeps[0].id);
  ASSERT_EQ(points.size(), rows.size());
  std::int64_t on_front = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& c = rows[i];
    const auto& p = points[i];
    SCOPED_TRACE("point " + std::to_string(i));
    EXPECT_EQ(p.hardware, c[col("hardware")]);
    EXPECT_EQ(p.model, c[col("model")]);
    EXPECT_EQ(p.variant, c[col("variant")]);
    EXPECT_EQ(p.loops, std::stoll(c[col("loops")]));
    EXPECT_EQ(p.window, c[col("window")].empty() ? 0 : std::stoll(c[col("window")]));
    EXPECT_EQ(p.batch, std::stoll(c[col("batch")]));
    EXPECT_EQ(p.context_len, std::stoll(c[col("context")]));
    EXPECT_NEAR(p.decode_step_s, std::stod(c[col("decode_step_s")]), 1e-8 * p.decode_step_s);
    EXPECT_NEAR(p.decode_flops_per_token, std::stod(c[col("decode_flops_per_token")]),
                1e-8 * p.decode_flops_per_token);
    EXPECT_EQ(p.kv_bytes, std::stoll(c[col("kv_bytes")]));
    EXPECT_EQ(p.fits, c[col("fits")] == "1");
    EXPECT_EQ(p.pareto, c[col("pareto")] == "1");
    on_front += p.pareto ? 1 : 0;
  }
  EXPECT_GT(on_front, 0);
  EXPECT_LT(on_front, 40);
}
