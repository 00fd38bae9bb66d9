// measure_and_store() on the CPU backend: a complete run has every step, op and prediction; a
// stop request keeps what ran and marks the run interrupted; a store that fills up mid-run
// leaves the run incomplete and says so.
#include <gtest/gtest.h>

#include "cli/run_measure.hpp"
#include "engine/core/plan.hpp"
#include "store/store_error.hpp"
#include "tests/store/host_spec.hpp"
#include "tests/store/temp_dir.hpp"

using namespace looplab;
using namespace looplab::cli;
using looplab::testing::TempDir;

namespace {

MeasureRequest tiny_request(const std::filesystem::path& spec) {
  MeasureRequest r;
  r.config = load_model("tiny");
  r.backend = "cpu";
  r.batch = 2;
  r.prompt_len = 6;
  r.decode_steps = 3;
  r.warmup = 1;
  r.repeats = 2;
  r.hardware = spec.string();
  r.quiet = true;
  return r;
}

}  // namespace

TEST(Measure, CompleteRunHasEveryRow) {
  TempDir dir;
  auto store = store::open_store(dir / "m.db", store::OpenMode::read_write);
  MeasureRequest req = tiny_request(looplab::testing::write_host_spec(dir.path()));
  MeasureResult m = measure_and_store(*store, req, nullptr);

  EXPECT_EQ(m.info.status, store::RunStatus::complete);
  EXPECT_TRUE(m.info.complete);
  EXPECT_EQ(m.info.backend, "cpu");
  EXPECT_EQ(m.info.tracer, "host");
  EXPECT_EQ(m.info.hardware, "host");
  EXPECT_EQ(m.hardware_note, "--hardware " + *req.hardware);
  EXPECT_FALSE(m.info.engine_commit.empty());
  EXPECT_FALSE(m.info.config_json.empty());
  const std::size_t prefill_ops = plan_step(req.config, {Phase::prefill, 2, 6}).ops.size();
  std::size_t decode_ops = 0;
  for (std::int64_t s = 1; s <= 3; ++s) decode_ops += plan_step(req.config, {Phase::decode, 2, 6 + s}).ops.size();
  ASSERT_EQ(m.rows.steps.size(), 2u * 4u);
  EXPECT_EQ(m.rows.ops.size(), 2 * (prefill_ops + decode_ops));
  EXPECT_EQ(m.rows.predictions.size(), prefill_ops + decode_ops);
  // Step shapes: prefill over the prompt, then contexts 7, 8, 9.
  EXPECT_EQ(m.rows.steps[0].phase, "prefill");
  EXPECT_EQ(m.rows.steps[0].context_len, 6);
  EXPECT_EQ(m.rows.steps[1].context_len, 7);
  EXPECT_EQ(m.rows.steps[3].context_len, 9);
  EXPECT_EQ(m.rows.steps[4].repeat_index, 1);
  // Repeats follow each other on one time line, ops inside their steps.
  EXPECT_LT(m.rows.steps[3].end_ns, m.rows.steps[4].start_ns);
  for (const auto& o : m.rows.ops) {
    EXPECT_LT(o.start_ns, o.end_ns);
    EXPECT_FALSE(o.device_ns);
  }
  EXPECT_TRUE(m.info.stats.decode_median_s && *m.info.stats.decode_median_s > 0);
  EXPECT_TRUE(m.info.stats.predicted_decode_s && *m.info.stats.predicted_decode_s > 0);
  ASSERT_FALSE(m.table.empty());
  EXPECT_EQ(m.table.back().kind, "step");
  EXPECT_EQ(m.table.back().measured.samples, 2 * 3);
}

TEST(Measure, StopRequestKeepsRowsAndMarksInterrupted) {
  TempDir dir;
  auto store = store::open_store(dir / "m.db", store::OpenMode::read_write);
  MeasureRequest req = tiny_request(looplab::testing::write_host_spec(dir.path()));
  std::atomic<bool> stop{true};  // as if Ctrl-C came during the warm-up
  MeasureResult m = measure_and_store(*store, req, &stop);
  EXPECT_EQ(m.info.status, store::RunStatus::interrupted);
  EXPECT_FALSE(m.info.complete);
  EXPECT_NE(m.info.error.find("Ctrl-C after 0 of 2 repeats"), std::string::npos) << m.info.error;
  auto again = store->get_run(m.info.id);
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->complete);
}

TEST(Measure, FullStoreLeavesRunIncomplete) {
  TempDir dir;
  auto spec = looplab::testing::write_host_spec(dir.path());
  store::open_store(dir / "full.db", store::OpenMode::read_write);  // create the schema first
  store::StoreOptions opt;
  opt.max_pages = 32;  // room for the run's header, not for its rows
  auto store = store::open_store(dir / "full.db", store::OpenMode::read_write, opt);
  MeasureRequest req = tiny_request(spec);
  req.decode_steps = 40;
  req.repeats = 3;
  try {
    measure_and_store(*store, req, nullptr);
    FAIL() << "the run fit in 32 pages";
  } catch (const std::runtime_error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("stays marked incomplete"), std::string::npos) << msg;
    EXPECT_NE(msg.find("full"), std::string::npos) << msg;
  }
  auto reader = store::open_store(dir / "full.db", store::OpenMode::read_only);
  auto runs = reader->list_runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_FALSE(runs[0].info.complete);
}
