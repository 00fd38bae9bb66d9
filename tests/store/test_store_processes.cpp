// Several processes on one store file: four writers at once lose no rows, and a writer killed in
// the middle of a transaction leaves a readable file with its run marked incomplete.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <set>
#include <thread>

#include "store/sqlite_handle.hpp"
#include "store/store.hpp"
#include "tests/store/sample_rows.hpp"
#include "tests/store/temp_dir.hpp"

using namespace looplab;
using namespace looplab::store;
using looplab::testing::TempDir;

namespace {

constexpr int kWriters = 4;
constexpr int kRunsPerWriter = 8;
constexpr int kBatches = 4;
constexpr int kOpsPerBatch = 50;

// One child's work: kRunsPerWriter runs of kBatches appends each, then finish. Exit code 0 = ok.
int writer(const std::filesystem::path& db, int who, int start_fd) {
  char go = 0;
  if (read(start_fd, &go, 1) != 1) return 3;
  try {
    auto s = open_store(db, OpenMode::read_write);
    for (int r = 0; r < kRunsPerWriter; ++r) {
      RunInfo info = looplab::testing::sample_run("writer" + std::to_string(who));
      info.seed = who * 1000 + r;
      RunId id = s->begin_run(info);
      for (int b = 0; b < kBatches; ++b) {
        RunRows rows;
        for (int i = 0; i < kOpsPerBatch; ++i) rows.ops.push_back(looplab::testing::sample_op(0, b, i));
        rows.steps.push_back({0, b, "decode", 1, 10 + b, 0, 1});
        s->append(id, rows);
      }
      looplab::testing::finish(*s, id, RunStatus::complete);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "writer %d: %s\n", who, e.what());
    return 1;
  }
  return 0;
}

}  // namespace

TEST(StoreProcesses, FourWritersAtOnceLoseNoRows) {
  TempDir dir;
  auto db = dir / "shared.db";  // created by the racing writers themselves
  int go[2];
  ASSERT_EQ(pipe(go), 0);
  std::vector<pid_t> kids;
  for (int w = 0; w < kWriters; ++w) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(go[1]);
      _exit(writer(db, w, go[0]));
    }
    kids.push_back(pid);
  }
  close(go[0]);
  ASSERT_EQ(write(go[1], "gggg", kWriters), kWriters);  // release all writers together
  close(go[1]);
  for (pid_t pid : kids) {
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
  auto s = open_store(db, OpenMode::read_only);
  auto runs = s->list_runs();
  ASSERT_EQ(runs.size(), static_cast<std::size_t>(kWriters * kRunsPerWriter));
  std::set<std::int64_t> seeds;
  for (const auto& r : runs) {
    EXPECT_TRUE(r.info.complete);
    EXPECT_EQ(r.op_rows, kBatches * kOpsPerBatch) << "run " << r.info.id;
    EXPECT_EQ(s->read_rows(r.info.id).steps.size(), static_cast<std::size_t>(kBatches));
    seeds.insert(r.info.seed);
  }
  EXPECT_EQ(seeds.size(), runs.size());
}

TEST(StoreProcesses, KilledWriterLeavesReadableFileAndIncompleteRun) {
  TempDir dir;
  auto db = dir / "killed.db";
  RunId done = 0;
  {
    auto s = open_store(db, OpenMode::read_write);
    RunInfo info = looplab::testing::sample_run("before");
    done = s->begin_run(info);
    RunRows rows;
    rows.ops.push_back(looplab::testing::sample_op(0, 0, 0));
    s->append(done, rows);
    looplab::testing::finish(*s, done, RunStatus::complete);
  }
  int id_pipe[2];
  ASSERT_EQ(pipe(id_pipe), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(id_pipe[0]);
    try {
      auto s = open_store(db, OpenMode::read_write);
      RunInfo info = looplab::testing::sample_run("killed");
      RunId id = s->begin_run(info);
      if (write(id_pipe[1], &id, sizeof id) != sizeof id) _exit(2);
      for (std::int64_t step = 0;; ++step) {  // writes until killed
        RunRows rows;
        for (int i = 0; i < 200; ++i) rows.ops.push_back(looplab::testing::sample_op(0, step, i));
        s->append(id, rows);
      }
    } catch (...) {
      _exit(1);
    }
  }
  close(id_pipe[1]);
  RunId killed = 0;
  ASSERT_EQ(read(id_pipe[0], &killed, sizeof killed), static_cast<ssize_t>(sizeof killed));
  close(id_pipe[0]);
  // Let it commit a few batches, then kill it wherever it is (most likely inside a transaction).
  for (int i = 0; i < 500; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    Database peek(db.string(), SQLITE_OPEN_READONLY);
    sqlite3_busy_timeout(peek.get(), 1000);
    if (peek.query_int("SELECT count(*) FROM op_measurements WHERE run_id = " + std::to_string(killed)) >= 1000) break;
  }
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the writer stopped by itself";

  auto s = open_store(db, OpenMode::read_write);
  {
    Database check(db.string(), SQLITE_OPEN_READONLY);
    Statement ic(check, "PRAGMA integrity_check");
    ASSERT_TRUE(ic.step());
    EXPECT_EQ(ic.text(0), "ok");
  }
  auto run = s->get_run(killed);
  ASSERT_TRUE(run);
  EXPECT_FALSE(run->complete);
  EXPECT_EQ(run->status, RunStatus::running);
  std::size_t ops = s->read_rows(killed).ops.size();
  EXPECT_GE(ops, 1000u);
  EXPECT_EQ(ops % 200, 0u) << "a batch was half written";
  auto before = s->get_run(done);
  ASSERT_TRUE(before);
  EXPECT_TRUE(before->complete);
  EXPECT_EQ(s->read_rows(done).ops.size(), 1u);
  // The file keeps working for the next run.
  RunInfo next = looplab::testing::sample_run("after");
  RunId after = s->begin_run(next);
  looplab::testing::finish(*s, after, RunStatus::complete);
  EXPECT_TRUE(s->get_run(after)->complete);
}
