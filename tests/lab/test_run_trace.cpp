// A stored run exported as a trace and read back: the format's rules, the tracks, each predicted
// step aligned with its measured step, the verdict in the track name, unattributed time per
// step, launch -> kernel flows; and the capture -> rows conversion behind it.
#include <gtest/gtest.h>

#include "engine/core/error.hpp"
#include "lab/capture_rows.hpp"
#include "lab/run_trace.hpp"
#include "profiler/attribution.hpp"
#include "store/store.hpp"
#include "tests/profiler/trace_check.hpp"
#include "tests/store/sample_rows.hpp"
#include "tests/store/temp_dir.hpp"

using namespace looplab;
using namespace looplab::store;
using namespace looplab::lab;
using looplab::testing::TempDir;

namespace {

KernelRow kernel(std::int64_t corr, std::int64_t stream, std::int64_t start, std::int64_t end) {
  KernelRow k;
  k.correlation_id = corr;
  k.stream_id = stream;
  k.start = start;
  k.end = end;
  k.name = "void looplab::gemm<float>(float const*)";
  k.short_name = "gemm";
  return k;
}

// Two steps of three ops; two launches with kernels (one on each of two streams), one kernel
// overlapping its predecessor on stream 7, one launch whose kernel was not recorded.
RunRows gpu_like_rows() {
  RunRows r;
  // Ops of 800 ns, three per step: unattributed = wall - 2400 ns.
  r.steps = {{0, 0, "prefill", 1, 4, 1000, 5000, 4000 - 2400}, {0, 1, "decode", 1, 5, 6000, 9000, 3000 - 2400}};
  for (int step = 0; step < 2; ++step)
    for (int op = 0; op < 3; ++op) {
      OpRow o = looplab::testing::sample_op(0, step, op);
      o.start_ns = (step ? 6000 : 1000) + 100 + op * 1000;
      o.end_ns = o.start_ns + 800;
      r.ops.push_back(o);
    }
  for (int step = 0; step < 2; ++step)
    for (int op = 0; op < 3; ++op)
      r.predictions.push_back({step, op, "p" + std::to_string(step) + std::to_string(op), "gemm",
                               1e-6 * (op + 1) + 3e-10, 1e6, 2e6, "memory"});
  r.api_calls = {{1150, 1200, 1, (10LL << 24) + 11, 501, "cudaLaunchKernel", 0, 0},
                 {1160, 1190, 2, (10LL << 24) + 11, 501, "cuLaunchKernel", 0, 0},  // nested, same id
                 {2150, 2200, 1, (10LL << 24) + 11, 502, "cudaLaunchKernel", 0, 0},
                 {3150, 3200, 1, (10LL << 24) + 11, 503, "cudaLaunchKernel", 0, 0}};
  r.kernels = {kernel(501, 7, 1300, 1900), kernel(502, 7, 1800, 2500), kernel(999, 9, 4000, 4100)};
  return r;
}

}  // namespace

TEST(RunTrace, TracksRulesPredictionsAndFlows) {
  TempDir dir;
  auto store = open_store(dir / "a.db", OpenMode::read_write);
  RunInfo info = looplab::testing::sample_run();
  info.backend = "cuda";
  RunId id = store->begin_run(info);
  RunRows rows = gpu_like_rows();
  store->append(id, rows);
  info.status = RunStatus::complete;
  info.stats.verdict = "noisy";
  store->finish_run(info);
  TraceExportStats st = export_run_trace(*store, id, dir / "t.json.gz");

  looplab::testing::TraceFile t;
  ASSERT_TRUE(looplab::testing::read_trace(dir / "t.json.gz", t));
  auto bad = looplab::testing::trace_problems(t);
  EXPECT_TRUE(bad.empty()) << bad.front();
  EXPECT_EQ(static_cast<std::int64_t>(t.events.size()), st.events);
  EXPECT_EQ(st.flows, 2);  // launches 501 and 502; 503's kernel is missing, 999 has no launch

  std::map<std::string, std::vector<const looplab::testing::TraceEvent*>> by_cat;
  std::set<std::string> names;
  for (const auto& e : t.events) {
    if (e.ph == "X") by_cat[e.cat].push_back(&e);
    if (e.ph == "M") names.insert(e.meta_name);
  }
  EXPECT_EQ(by_cat["step"].size(), 2u);
  EXPECT_EQ(by_cat["op"].size(), 6u);
  EXPECT_EQ(by_cat["kernel"].size(), 3u);
  EXPECT_EQ(by_cat["cuda api"].size(), 4u);
  EXPECT_EQ(by_cat["predicted step"].size(), 2u);
  ASSERT_EQ(by_cat["unattributed"].size(), 2u);
  EXPECT_EQ(*by_cat["unattributed"][0]->dur_ns, 1600);  // 4000 ns wall - 3 x 800 ns of ops
  EXPECT_EQ(*by_cat["unattributed"][1]->dur_ns, 600);   // 3000 - 2400
  EXPECT_TRUE(names.count("host thread: steps and plan ops"));
  EXPECT_TRUE(names.count("unattributed: step wall time minus its ops"));
  bool verdict_named = false;
  for (const auto& e : t.events)
    if (e.ph == "M" && e.name == "process_name" && e.meta_name.find("measured [noisy]") != std::string::npos)
      verdict_named = true;
  EXPECT_TRUE(verdict_named) << "the measured track's name carries the run's verdict";
  EXPECT_TRUE(names.count("predicted plan ops"));
  EXPECT_TRUE(names.count("stream 7"));
  EXPECT_TRUE(names.count("stream 7 (overlap 1)"));  // kernel 502 overlaps 501 on stream 7
  EXPECT_TRUE(names.count("stream 9"));

  // Predicted ops: each step's ops end to end from where that step was measured (1000 ns and
  // 6000 ns), durations from time_s.
  const auto& pred = by_cat["predicted op"];
  ASSERT_EQ(pred.size(), 6u);
  for (std::size_t step = 0; step < 2; ++step) {
    const std::int64_t start = step == 0 ? 1000 : 6000;
    std::int64_t at = start;
    double sum_s = 0;
    for (std::size_t i = 3 * step; i < 3 * step + 3; ++i) {
      EXPECT_EQ(*pred[i]->ts_ns, at) << i;
      sum_s += rows.predictions[i].time_s;
      std::int64_t end = start + std::llround(sum_s * 1e9);
      EXPECT_EQ(*pred[i]->ts_ns + *pred[i]->dur_ns, end) << i;
      at = end;
    }
  }
  // The predicted decode step encloses its three ops exactly.
  EXPECT_EQ(*by_cat["predicted step"][1]->ts_ns, *pred[3]->ts_ns);
  EXPECT_EQ(*by_cat["predicted step"][1]->ts_ns + *by_cat["predicted step"][1]->dur_ns,
            *pred[5]->ts_ns + *pred[5]->dur_ns);
}

TEST(RunTrace, SeveralRunsSideBySide) {
  TempDir dir;
  auto store = open_store(dir / "a.db", OpenMode::read_write);
  std::vector<RunId> ids;
  for (const char* v : {"vanilla", "plt"}) {
    RunInfo info = looplab::testing::sample_run();
    info.variant = v;
    RunId id = store->begin_run(info);
    RunRows rows = gpu_like_rows();
    store->append(id, rows);
    ids.push_back(id);
  }
  TraceExportStats st = export_runs_trace(*store, ids, dir / "two.json.gz");
  looplab::testing::TraceFile t;
  ASSERT_TRUE(looplab::testing::read_trace(dir / "two.json.gz", t));
  EXPECT_TRUE(looplab::testing::trace_problems(t).empty());
  EXPECT_EQ(st.flows, 4);
  std::map<std::int64_t, std::string> process;
  for (const auto& e : t.events)
    if (e.ph == "M" && e.name == "process_name") process[e.pid] = e.meta_name;
  ASSERT_EQ(process.size(), 6u);
  EXPECT_NE(process[1].find("run 1 measured [no verdict]: tiny vanilla"), std::string::npos) << process[1];
  EXPECT_NE(process[11].find("run 2 measured [no verdict]: tiny plt"), std::string::npos) << process[11];
  EXPECT_NE(process[13].find("run 2 predicted: plt"), std::string::npos) << process[13];
  EXPECT_THROW(export_runs_trace(*store, {ids[0], 99}, dir / "bad.json.gz"), InputError);
}

TEST(RunTrace, UnknownRunIsAnInputError) {
  TempDir dir;
  auto store = open_store(dir / "a.db", OpenMode::read_write);
  EXPECT_THROW(export_run_trace(*store, 12, dir / "t.json.gz"), InputError);
}

TEST(CaptureRows, ConvertsSpansAndAttributedKernels) {
  ModelConfig c = load_model("tiny");
  StepPlan p = plan_step(c, {Phase::decode, 1, 5});
  profiler::Capture cap;
  const std::int64_t origin = 1'000'000;
  cap.steps.push_back({0, Phase::decode, 1, 5, origin + 10, origin + 900});
  for (std::uint32_t i = 0; i < 3; ++i)
    cap.ops.push_back({0, i, p.ops[i], origin + 20 + 100 * i, origin + 90 + 100 * i});
  profiler::KernelActivity k;
  k.correlation_id = 7;
  k.start_ns = origin + 50;
  k.end_ns = origin + 80;
  k.name = "looplab::gpu::embed(int const*)";
  k.mangled_name = "_ZN7looplab3gpu5embedEPKi";
  k.stream_id = 3;
  k.op = profiler::OpRef{0, 1};
  cap.device.kernels.push_back(k);
  cap.device.api_calls.push_back(
      {profiler::ApiDomain::runtime, 211, "cudaLaunchKernel", origin + 30, origin + 40, 77, 78, 7, 0});
  cap.nvtx.push_back({origin + 15, origin + 95, 3, false, "embed", "looplab", 77, 78});

  RunRows r = rows_from_capture(cap, 2, origin, OpTiming::device);
  ASSERT_EQ(r.steps.size(), 1u);
  // Unattributed: 890 ns of wall time, of which only op 1's kernel (30 ns) is device time.
  EXPECT_EQ(r.steps[0], (StepRow{2, 0, "decode", 1, 5, 10, 900, 890 - 30}));
  ASSERT_EQ(r.ops.size(), 3u);
  EXPECT_EQ(r.ops[1].repeat_index, 2);
  EXPECT_EQ(r.ops[1].op_index, 1);
  EXPECT_EQ(r.ops[1].name, op_name(p.ops[1]));
  EXPECT_EQ(r.ops[1].kind, std::string(to_string(p.ops[1].kind)));
  EXPECT_EQ(r.ops[1].layer, p.ops[1].layer);
  EXPECT_EQ(r.ops[1].rows, p.ops[1].rows);
  EXPECT_EQ(r.ops[1].n, p.ops[1].n);
  EXPECT_EQ(r.ops[1].k, p.ops[1].k);
  EXPECT_EQ(r.ops[1].kv_len, p.ops[1].kv_len);
  EXPECT_EQ(r.ops[1].start_ns, 120);
  EXPECT_EQ(r.ops[1].end_ns, 190);
  EXPECT_EQ(r.ops[1].device_ns, 30);  // the one kernel attributed to op 1
  EXPECT_EQ(r.ops[1].kernels, 1);
  EXPECT_EQ(r.ops[0].device_ns, 0);
  EXPECT_EQ(r.ops[1].measured_ns(), 30);
  ASSERT_EQ(r.kernels.size(), 1u);
  EXPECT_EQ(r.kernels[0].start, 50);
  EXPECT_EQ(r.kernels[0].short_name, "embed");
  EXPECT_EQ(r.kernels[0].repeat_index, 2);
  EXPECT_EQ(r.kernels[0].step_index, 0);
  EXPECT_EQ(r.kernels[0].op_index, 1);
  ASSERT_EQ(r.api_calls.size(), 1u);
  EXPECT_EQ(r.api_calls[0].global_tid, 77LL * 0x1000000 + 78);
  EXPECT_EQ(r.api_calls[0].event_class, 1);
  EXPECT_EQ(r.api_calls[0].name, "cudaLaunchKernel");
  ASSERT_EQ(r.nvtx.size(), 1u);
  EXPECT_EQ(r.nvtx[0].event_type, 59);
  EXPECT_EQ(r.nvtx[0].end, 95);

  RunRows host = rows_from_capture(cap, 0, origin, OpTiming::host);
  EXPECT_FALSE(host.ops[1].device_ns);
  EXPECT_EQ(host.ops[1].measured_ns(), 70);
  EXPECT_EQ(host.steps[0].unattributed_ns, 890 - 3 * 70);  // host spans 20..90, 120..190, 220..290
}
