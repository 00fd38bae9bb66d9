// measure_and_store() on the CPU backend: a complete run has every step, op and prediction and
// its statistics; a stop request after a stored repeat keeps its rows and marks the run
// interrupted; a store that fills up mid-run leaves the run incomplete and says so; the
// repetition rule as a pure function; the run's verdict from its phases and the machine.
#include <gtest/gtest.h>
#include <sched.h>

#include <limits>

#include "engine/core/error.hpp"
#include "engine/core/plan.hpp"
#include "lab/measure.hpp"
#include "store/store_error.hpp"
#include "tests/store/host_spec.hpp"
#include "tests/store/temp_dir.hpp"

using namespace looplab;
using namespace looplab::lab;
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
  r.max_time_s = 0;  // exactly `repeats`
  r.hardware = spec.string();
  return r;
}

}  // namespace

TEST(Measure, CompleteRunHasEveryRowAndItsStatistics) {
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
  EXPECT_EQ(m.info.repeats, 2);
  EXPECT_NE(m.info.policy.stop_reason.find("--repeat 2 done"), std::string::npos) << m.info.policy.stop_reason;
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
  // Repeats follow each other on one time line, ops inside their steps, and each step's
  // unattributed time is its wall time minus its ops (host spans: never negative).
  EXPECT_LT(m.rows.steps[3].end_ns, m.rows.steps[4].start_ns);
  for (const auto& st : m.rows.steps) {
    std::int64_t ops = 0;
    for (const auto& o : m.rows.ops)
      if (o.repeat_index == st.repeat_index && o.step_index == st.step_index) ops += o.measured_ns();
    EXPECT_EQ(st.unattributed_ns, (st.end_ns - st.start_ns) - ops);
    EXPECT_GE(st.unattributed_ns, 0);
  }
  for (const auto& o : m.rows.ops) {
    EXPECT_LT(o.start_ns, o.end_ns);
    EXPECT_FALSE(o.device_ns);
  }
  // Statistics: decode over 2 repeats x 3 steps, prefill over 2; fewer than 5 samples is too
  // few for a verdict, so the prefill and with it the run are unusable, and the reason says why.
  const store::RunStats& s = m.info.stats;
  EXPECT_EQ(s.decode.samples, 6);
  EXPECT_EQ(s.prefill.samples, 2);
  ASSERT_TRUE(s.decode.median_s && s.decode.ci_lo_s && s.decode.ci_hi_s);
  EXPECT_LE(*s.decode.ci_lo_s, *s.decode.median_s);
  EXPECT_GE(*s.decode.ci_hi_s, *s.decode.median_s);
  EXPECT_EQ(s.prefill.verdict, "unusable");
  EXPECT_FALSE(s.decode.verdict.empty());
  EXPECT_EQ(s.verdict, "unusable");
  EXPECT_NE(s.verdict_reason.find("prefill: 2 samples"), std::string::npos) << s.verdict_reason;
  EXPECT_TRUE(s.predicted_decode_s && *s.predicted_decode_s > 0);
  // The machine around the run.
  EXPECT_TRUE(m.info.machine.window_s && *m.info.machine.window_s > 0);
  EXPECT_TRUE(m.info.machine.load_before.has_value());
  EXPECT_FALSE(m.info.machine.affinity.empty());
  EXPECT_FALSE(m.info.machine.thread_policy.empty());
  EXPECT_GE(m.info.threads, 1);
  // The table ends each phase with unattributed and step; the step row has every sample.
  ASSERT_GE(m.table.size(), 2u);
  EXPECT_EQ(m.table.back().kind, "step");
  EXPECT_EQ(m.table[m.table.size() - 2].kind, "unattributed");
  EXPECT_EQ(m.table.back().measured.samples, 2 * 3);
  // What was stored is what came back.
  auto again = store->get_run(m.info.id);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, m.info);
}

TEST(Measure, StopAfterAStoredRepeatKeepsItsRowsAndMarksInterrupted) {
  TempDir dir;
  auto store = store::open_store(dir / "m.db", store::OpenMode::read_write);
  MeasureRequest req = tiny_request(looplab::testing::write_host_spec(dir.path()));
  req.repeats = 5;
  std::atomic<bool> stop{false};
  // As if Ctrl-C came right after the first repeat was stored.
  auto progress = [&](std::int64_t repeat, double, double) {
    if (repeat == 1) stop = true;
  };
  MeasureResult m = measure_and_store(*store, req, &stop, {}, progress);
  EXPECT_EQ(m.info.status, store::RunStatus::interrupted);
  EXPECT_FALSE(m.info.complete);
  EXPECT_EQ(m.info.repeats, 1);
  EXPECT_NE(m.info.error.find("after 1 complete repeats"), std::string::npos) << m.info.error;
  // The first repeat's rows are kept: its prefill and three decode steps, with their ops.
  ASSERT_EQ(m.rows.steps.size(), 4u);
  for (const auto& st : m.rows.steps) EXPECT_EQ(st.repeat_index, 0);
  EXPECT_FALSE(m.rows.ops.empty());
  auto again = store->get_run(m.info.id);
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->complete);
  EXPECT_EQ(again->status, store::RunStatus::interrupted);
  EXPECT_EQ(store->read_rows(m.info.id).steps.size(), 4u);
}

TEST(Measure, FullStoreLeavesRunIncomplete) {
  TempDir dir;
  auto spec = looplab::testing::write_host_spec(dir.path());
  store::open_store(dir / "full.db", store::OpenMode::read_write);  // create the schema first
  store::StoreOptions opt;
  opt.max_pages = 40;  // room for the run's header, not for its rows
  auto store = store::open_store(dir / "full.db", store::OpenMode::read_write, opt);
  MeasureRequest req = tiny_request(spec);
  req.decode_steps = 40;
  req.repeats = 3;
  try {
    measure_and_store(*store, req, nullptr);
    FAIL() << "the run fit in 40 pages";
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

TEST(Measure, PinningRecordsTheCpusAndOneThreadEach) {
  cpu_set_t before;
  ASSERT_EQ(sched_getaffinity(0, sizeof before, &before), 0);
  TempDir dir;
  auto store = store::open_store(dir / "m.db", store::OpenMode::read_write);
  MeasureRequest req = tiny_request(looplab::testing::write_host_spec(dir.path()));
  int first = 0;
  while (!CPU_ISSET(first, &before)) ++first;
  req.pin = std::to_string(first);
  MeasureResult m = measure_and_store(*store, req, nullptr);
  sched_setaffinity(0, sizeof before, &before);  // the rest of this process runs as before
  EXPECT_EQ(m.info.machine.pinning, req.pin);
  EXPECT_EQ(m.info.machine.affinity, req.pin);
  if (!std::getenv("OMP_NUM_THREADS")) {
    // The default policy counts the pinned CPUs only: one allowed CPU, one thread.
    EXPECT_EQ(m.info.threads, 1);
    EXPECT_EQ(m.info.machine.thread_policy.rfind("available: 1 CPU allowed (" + req.pin + ")", 0), 0u)
        << m.info.machine.thread_policy;
  }
}

// --threads N holds for every repeat and is recorded with the reason; the thread count the
// backend ran on is the one stored.
TEST(Measure, FixedThreadCountIsUsedAndRecorded) {
  if (std::getenv("OMP_NUM_THREADS")) GTEST_SKIP() << "OMP_NUM_THREADS decides the thread count here";
  TempDir dir;
  auto store = store::open_store(dir / "t.db", store::OpenMode::read_write);
  MeasureRequest req = tiny_request(looplab::testing::write_host_spec(dir.path()));
  req.threads = "3";
  MeasureResult m = measure_and_store(*store, req, nullptr);
  EXPECT_EQ(m.info.threads, 3);
  EXPECT_EQ(m.info.machine.thread_policy, "fixed at 3 threads");
  const auto runs = store->list_runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].info.threads, 3);
  EXPECT_EQ(runs[0].info.machine.thread_policy, "fixed at 3 threads");
}

TEST(Measure, BadRequestsNameTheirField) {
  TempDir dir;
  MeasureRequest r = tiny_request(looplab::testing::write_host_spec(dir.path()));
  auto field_of = [](const MeasureRequest& q) {
    try {
      validate_request(q);
    } catch (const InputError& e) {
      return e.field();
    }
    return std::string("accepted");
  };
  EXPECT_EQ(field_of(r), "accepted");
  MeasureRequest b = r;
  b.batch = 0;
  EXPECT_EQ(field_of(b), "batch");
  b = r;
  b.repeats = 0;
  EXPECT_EQ(field_of(b), "repeat");
  b = r;
  b.warmup = -1;
  EXPECT_EQ(field_of(b), "warmup");
  b = r;
  b.target_ci = 0;
  EXPECT_EQ(field_of(b), "target-ci");
  b = r;
  b.max_time_s = -1;
  EXPECT_EQ(field_of(b), "max-time");
  b = r;
  b.min_time_s = 5;
  b.max_time_s = 2;
  EXPECT_EQ(field_of(b), "max-time");
  b = r;
  b.backend = "tpu";
  EXPECT_EQ(field_of(b), "backend");
  b = r;
  b.pin = "0-";
  EXPECT_EQ(field_of(b), "pin");
  for (const char* bad : {"0", "-2", "many", "2x", ""}) {
    b = r;
    b.threads = bad;
    EXPECT_EQ(field_of(b), "threads") << bad;
  }
  b = r;
  b.hardware = "no-such-gpu";  // checked before any store is opened
  EXPECT_EQ(field_of(b), "hardware");
  b = r;
  b.calibration = (dir / "missing-calibration.json").string();
  EXPECT_EQ(field_of(b), "calibration");
  b = r;
  b.decode_steps = 10'000'000'000;  // a KV cache far beyond this machine's memory
  EXPECT_EQ(field_of(b), "decode-steps");
  b = r;
  b.batch = 1'000'000'000'000;
  EXPECT_EQ(field_of(b), "batch");
  b = r;
  b.decode_steps = std::numeric_limits<std::int64_t>::max();  // prompt + steps overflow: found by the fuzz suite
  EXPECT_EQ(field_of(b), "decode-steps");
}

// The repetition rule: minimum repeats and time first; then the target interval, the time
// budget, or the repeat cap.
TEST(Measure, RepetitionRule) {
  MeasureRequest r;
  r.repeats = 5;
  r.min_time_s = 1;
  r.max_time_s = 10;
  r.target_ci = 0.02;
  r.max_repeats = 100;
  EXPECT_FALSE(stop_repeating(r, 4, 20, 0.001, 0.001)) << "fewer than --repeat";
  EXPECT_FALSE(stop_repeating(r, 5, 0.5, 0.001, 0.001)) << "shorter than --min-time";
  auto done = stop_repeating(r, 5, 1.5, 0.019, 0.015);
  ASSERT_TRUE(done);
  EXPECT_NE(done->find("known to +-1.9%"), std::string::npos) << *done;
  EXPECT_FALSE(stop_repeating(r, 6, 2, 0.019, 0.021)) << "the prefill interval is still too wide";
  auto budget = stop_repeating(r, 6, 10, 0.05, 0.01);
  ASSERT_TRUE(budget);
  EXPECT_NE(budget->find("--max-time 10 s spent"), std::string::npos) << *budget;
  EXPECT_NE(budget->find("reached +-5.0%"), std::string::npos) << *budget;
  auto cap = stop_repeating(r, 100, 2, 0.05, 0.05);
  ASSERT_TRUE(cap);
  EXPECT_NE(cap->find("cap of 100"), std::string::npos) << *cap;
  r.max_time_s = 0;  // not adaptive: exactly --repeat
  auto exact = stop_repeating(r, 5, 1.5, 0.5, 0.5);
  ASSERT_TRUE(exact);
  EXPECT_NE(exact->find("--repeat 5 done"), std::string::npos) << *exact;
}

// The run's verdict: its phases' worst, and at least noisy when the machine was busy.
TEST(Measure, VerdictCountsTheMachine) {
  store::RunInfo info;
  info.stats.verdict = "quiet";
  info.machine.window_s = 10;
  info.machine.others_cpu_s = 1.0;  // 0.1 CPUs: not busy
  judge_run(info);
  EXPECT_EQ(info.stats.verdict, "quiet");
  EXPECT_TRUE(info.stats.verdict_reason.empty());
  info.machine.others_cpu_s = 9.0;  // another process used 0.9 CPUs
  judge_run(info);
  EXPECT_EQ(info.stats.verdict, "noisy");
  EXPECT_NE(info.stats.verdict_reason.find("0.90 CPUs"), std::string::npos) << info.stats.verdict_reason;
  info.stats.verdict = "unusable";
  info.stats.verdict_reason = "decode: 3 samples";
  judge_run(info);
  EXPECT_EQ(info.stats.verdict, "unusable");  // busy does not make an unusable run better
  store::RunInfo none;
  judge_run(none);
  EXPECT_EQ(none.stats.verdict, "unusable");
}
