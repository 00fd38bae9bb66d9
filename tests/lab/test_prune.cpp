// Retention: the newest N overall or per workload, runs younger than D days, any rule keeping a
// run keeps it, running runs always stay; deleting runs removes every row they own and the file
// shrinks once compacted.
#include <gtest/gtest.h>

#include <filesystem>

#include "engine/core/error.hpp"
#include "lab/prune.hpp"
#include "tests/store/sample_rows.hpp"
#include "tests/store/temp_dir.hpp"

using namespace looplab;
using namespace looplab::lab;
using looplab::testing::TempDir;

namespace {

// Newest first, as list_runs() gives them.
store::RunSummary run(store::RunId id, std::int64_t batch, const std::string& created,
                      store::RunStatus status = store::RunStatus::complete, const std::string& label = "main") {
  store::RunSummary s;
  s.info.id = id;
  s.info.batch = batch;
  s.info.config_json = "{}";
  s.info.created_at = created;
  s.info.status = status;
  s.info.label = label;
  return s;
}

}  // namespace

TEST(Prune, TheNewestOverallOrPerWorkload) {
  const std::vector<store::RunSummary> runs{run(6, 1, "2026-12-03T10:00:00Z"), run(5, 2, "2026-12-02T10:00:00Z"),
                                            run(4, 1, "2026-12-01T10:00:00Z"), run(3, 2, "2026-11-30T10:00:00Z"),
                                            run(2, 1, "2026-11-29T10:00:00Z"), run(1, 2, "2026-11-28T10:00:00Z")};
  const std::string now = "2026-12-03T12:00:00Z";
  PruneRules r;
  r.keep_last = 2;
  EXPECT_EQ(runs_to_prune(runs, r, now), (std::vector<store::RunId>{1, 2, 3, 4}));  // oldest first
  r.per_workload = true;
  EXPECT_EQ(runs_to_prune(runs, r, now), (std::vector<store::RunId>{1, 2}));
  // younger than 3 days: 6, 5, 4 (4 is 2 days and 2 hours old); with keep-last 1 per workload too,
  // 5 and 6 are kept twice over and nothing else is added
  PruneRules w;
  w.keep_within_days = 3;
  EXPECT_EQ(runs_to_prune(runs, w, now), (std::vector<store::RunId>{1, 2, 3}));
  w.keep_last = 1;
  w.per_workload = true;
  EXPECT_EQ(runs_to_prune(runs, w, now), (std::vector<store::RunId>{1, 2, 3}));
  // keep-last 0 deletes all but running ones and other labels
  PruneRules z;
  z.keep_last = 0;
  z.label = "main";
  std::vector<store::RunSummary> more = runs;
  more.insert(more.begin(), run(8, 1, "2026-12-03T11:00:00Z", store::RunStatus::running));
  more.insert(more.begin(), run(9, 1, "2026-12-03T11:30:00Z", store::RunStatus::complete, "pr"));
  EXPECT_EQ(runs_to_prune(more, z, now), (std::vector<store::RunId>{1, 2, 3, 4, 5, 6}));
}

TEST(Prune, ARuleIsRequiredAndValuesAreChecked) {
  const std::vector<store::RunSummary> none;
  auto field = [&](const PruneRules& r) {
    try {
      (void)runs_to_prune(none, r, "2026-12-03T12:00:00Z");
    } catch (const InputError& e) {
      return e.field();
    }
    return std::string("accepted");
  };
  EXPECT_EQ(field({}), "keep-last");
  PruneRules neg;
  neg.keep_last = -1;
  EXPECT_EQ(field(neg), "keep-last");
  PruneRules days;
  days.keep_within_days = -2;
  EXPECT_EQ(field(days), "keep-within");
}

TEST(Prune, DeletingRunsRemovesTheirRowsAndCompactingShrinksTheFile) {
  TempDir dir;
  const auto path = dir / "p.db";
  auto s = store::open_store(path, store::OpenMode::read_write);
  std::vector<store::RunId> ids;
  for (int i = 0; i < 6; ++i) {
    store::RunInfo info = looplab::testing::sample_run();
    const store::RunId id = s->begin_run(info);
    store::RunRows rows;
    for (std::int64_t step = 0; step < 40; ++step) {
      rows.steps.push_back({0, step, step == 0 ? "prefill" : "decode", 1, 8 + step, step * 1000, step * 1000 + 900, 0});
      for (std::int64_t op = 0; op < 20; ++op) rows.ops.push_back(looplab::testing::sample_op(0, step, op));
    }
    s->append(id, rows);
    looplab::testing::finish(*s, id, store::RunStatus::complete);
    ids.push_back(id);
  }
  s->compact();  // the rows out of the write-ahead log and into the file, to size it
  const auto size_full = std::filesystem::file_size(path);
  EXPECT_EQ(s->delete_runs({ids[0], ids[1], ids[2], ids[3], 999}), 4);  // 999: no such run
  s->compact();
  EXPECT_LT(std::filesystem::file_size(path), size_full);
  const auto left = s->list_runs();
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0].info.id, ids[5]);
  EXPECT_FALSE(s->read_rows(ids[5]).steps.empty());
  EXPECT_TRUE(s->read_rows(ids[0]).steps.empty());
  EXPECT_TRUE(s->read_rows(ids[0]).ops.empty());
}
