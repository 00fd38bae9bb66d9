// Merging a baseline store into a working one: every row of a run arrives with its timestamps,
// a measured hardware spec keeps its machine, a second merge adds nothing, incomplete runs and
// other labels stay behind, and a dry run writes nothing.
#include <gtest/gtest.h>

#include "lab/merge.hpp"
#include "tests/store/sample_rows.hpp"
#include "tests/store/temp_dir.hpp"

using namespace looplab;
using namespace looplab::lab;
using looplab::testing::TempDir;

namespace {

store::RunId add(store::Store& s, const std::string& label, std::int64_t pid,
                 store::RunStatus status = store::RunStatus::complete, const std::string& hardware_json = "") {
  store::RunInfo info = looplab::testing::sample_run(label);
  info.pid = pid;
  if (!hardware_json.empty()) info.hardware_json = hardware_json;
  info.branch = "main";
  info.kv_bytes = 4096 + pid;
  const store::RunId id = s.begin_run(info);
  store::RunRows rows;
  rows.steps.push_back({0, 0, "prefill", 3, 17, 0, 5000, 10});
  rows.steps.push_back({0, 1, "decode", 3, 18, 5000, 6000, 20});
  for (int op = 0; op < 3; ++op) rows.ops.push_back(looplab::testing::sample_op(0, 1, op));
  s.append(id, rows);
  store::RunStats stats;
  stats.predicted_decode_s = 1e-3 * static_cast<double>(pid);
  looplab::testing::finish(s, id, status, stats);
  return id;
}

}  // namespace

TEST(Merge, RunsArriveWholeWithTheirTimesAndOnlyOnce) {
  TempDir dir;
  auto from = store::open_store(dir / "main.db", store::OpenMode::read_write);
  auto into = store::open_store(dir / "pr.db", store::OpenMode::read_write);
  store::HardwareRow host = looplab::testing::hardware_row("host", looplab::testing::sample_run().hardware_json);
  host.machine = "testhost, Test CPU, 2 threads";
  host.quality = "quiet";
  from->put_hardware(host);
  const store::RunId a = add(*from, "nightly", 1);
  add(*from, "nightly", 2, store::RunStatus::interrupted);
  add(*from, "other", 3);
  // the working store's own run (on another host spec) stays as it is
  add(*into, "pr", 9, store::RunStatus::complete, R"({"name":"host","peak_flops":2e11})");

  MergeOptions o;
  o.labels = {"nightly"};
  const MergeResult r = merge_runs(*from, into.get(), o);
  EXPECT_EQ(r.copied, std::vector<store::RunId>{a});
  ASSERT_EQ(r.new_ids.size(), 1u);
  EXPECT_EQ(r.not_complete, 1);
  EXPECT_EQ(r.already_present, 0);

  const store::RunInfo src = *from->get_run(a);
  store::RunInfo copy = *into->get_run(r.new_ids[0]);
  EXPECT_EQ(copy.created_at, src.created_at);
  EXPECT_EQ(copy.finished_at, src.finished_at);
  EXPECT_EQ(copy.kv_bytes, src.kv_bytes);
  EXPECT_EQ(copy.branch, "main");
  copy.id = src.id;  // ids are each store's own; everything else is the run's
  EXPECT_EQ(copy, src);
  const store::RunRows want = from->read_rows(a), got = into->read_rows(r.new_ids[0]);
  EXPECT_EQ(got.steps, want.steps);
  EXPECT_EQ(got.ops, want.ops);
  bool machine_kept = false;
  for (const auto& h : into->hardware()) machine_kept = machine_kept || h.machine == host.machine;
  EXPECT_TRUE(machine_kept);

  // merged twice: nothing new
  const MergeResult again = merge_runs(*from, into.get(), o);
  EXPECT_TRUE(again.copied.empty());
  EXPECT_EQ(again.already_present, 1);
  EXPECT_EQ(into->list_runs().size(), 2u);
  // newest first by creation time, whatever the ids
  const auto runs = into->list_runs();
  EXPECT_GE(runs[0].info.created_at, runs[1].info.created_at);
}

TEST(Merge, ADryRunWritesNothing) {
  TempDir dir;
  auto from = store::open_store(dir / "main.db", store::OpenMode::read_write);
  add(*from, "nightly", 1);
  add(*from, "nightly", 2);
  MergeOptions o;
  o.dry_run = true;
  const MergeResult r = merge_runs(*from, nullptr, o);  // a target that does not exist yet
  EXPECT_EQ(r.copied.size(), 2u);
  EXPECT_TRUE(r.new_ids.empty());
  auto into = store::open_store(dir / "pr.db", store::OpenMode::read_write);
  const MergeResult r2 = merge_runs(*from, into.get(), o);
  EXPECT_EQ(r2.copied.size(), 2u);
  EXPECT_TRUE(into->list_runs().empty());
}
