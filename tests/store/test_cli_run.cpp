// The `looplab` executable end to end on the CPU backend: run -> store -> runs -> trace, Ctrl-C
// during a run, and the --db faults with their exit code 2 and one-line messages.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "engine/core/plan.hpp"
#include "lab/hardware_catalog.hpp"
#include "lab/host_spec.hpp"
#include "simulator/op_cost.hpp"
#include "simulator/records.hpp"
#include "store/store.hpp"
#include "tests/profiler/trace_check.hpp"
#include "tests/store/cli_runner.hpp"
#include "tests/store/host_spec.hpp"
#include "tests/store/temp_dir.hpp"

using namespace looplab;
namespace lab = looplab::lab;
using looplab::testing::TempDir;
using namespace looplab::testing::cli;

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

  Result second = run({"run", "--model", "tiny", "--variant", "looped", "--decode-steps", "4", "--repeat", "2", "--db",
                       db, "--hardware", spec},
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
  EXPECT_NE(show.out.find("run 1 (complete, "), std::string::npos) << show.out;  // then its verdict
  EXPECT_NE(show.out.find("verdict: "), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("decode   unattributed"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("machine: load"), std::string::npos) << show.out;

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

// Ctrl-C (SIGINT) and SIGTERM both stop a run after its current step: the rows so far stay,
// the run is stored as interrupted, the exit code is 130.
void interrupt_a_run(int signal_number) {
  TempDir dir;
  std::string db = (dir / "c.db").string(), spec = looplab::testing::write_host_spec(dir.path()).string();
  Proc p = start({"run", "--model", "tiny", "--decode-steps", "50", "--repeat", "10000", "--max-time", "0", "--db", db,
                  "--hardware", spec},
                 dir.path(), "signal" + std::to_string(signal_number));
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
  kill(p.pid, signal_number);
  int rc = wait_exit(p);
  EXPECT_EQ(rc, 130);
  std::string err = slurp(p.err);
  EXPECT_NE(err.find("interrupted: run 1 is stored as incomplete"), std::string::npos) << err;
  auto s = store::open_store(db, store::OpenMode::read_only);
  auto run1 = s->get_run(1);
  ASSERT_TRUE(run1);
  EXPECT_EQ(run1->status, store::RunStatus::interrupted);
  EXPECT_FALSE(run1->complete);
  EXPECT_NE(run1->error.find("interrupted after"), std::string::npos) << run1->error;
  EXPECT_GT(s->read_rows(1).ops.size(), 0u);
}

TEST(Cli, CtrlCKeepsTheRunIncomplete) { interrupt_a_run(SIGINT); }
TEST(Cli, SigtermKeepsTheRunIncomplete) { interrupt_a_run(SIGTERM); }

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
    EXPECT_NEAR(p.decode_flops_per_token, std::stod(c[col("decode_flops_per_token")]), 1e-8 * p.decode_flops_per_token);
    EXPECT_EQ(p.kv_bytes, std::stoll(c[col("kv_bytes")]));
    EXPECT_EQ(p.fits, c[col("fits")] == "1");
    EXPECT_EQ(p.pareto, c[col("pareto")] == "1");
    on_front += p.pareto ? 1 : 0;
  }
  EXPECT_GT(on_front, 0);
  EXPECT_LT(on_front, 40);
}

// `looplab calibrate --residuals`: one CSV row per op record, in record order, with the measured
// time as given and the fitted prediction. The records are made from known per-op times (1.5x
// the host spec's roofline, plus 2 us), so the fit reproduces them to rounding.
TEST(Cli, CalibrateWritesOneResidualRowPerOpRecord) {
  TempDir dir;
  const std::string spec = looplab::testing::write_host_spec(dir.path()).string();
  const HardwareSpec hw = load_hardware(spec);
  RecordSet rec;
  rec.hardware = "host";
  rec.engine_commit = "test";
  rec.launch = LaunchMode::stream;
  std::size_t ops = 0;
  for (Variant v : {Variant::vanilla, Variant::plt})
    for (std::int64_t ctx : {8, 12, 16, 20}) {
      ModelConfig c = load_model("tiny");
      c.variant = v;
      const StepShape shape{Phase::decode, 2, ctx};
      const StepPlan plan = plan_step(c, shape);
      const CostParams params = make_cost_params(c, hw, {LaunchMode::stream});
      StepRecord s{c, shape, {}};
      for (const OpDesc& op : plan.ops) {
        const OpCost cost = cost_op(op, params);
        s.op_time_s.push_back(1.5 * std::max(cost.compute_s, cost.memory_s) + 2e-6);
      }
      ops += s.op_time_s.size();
      rec.steps.push_back(std::move(s));
    }
  const std::string records = (dir / "records.json").string(), csv = (dir / "residuals.csv").string();
  std::ofstream(records) << records_to_json(rec).dump();
  Result r = run({"calibrate", records, "--hardware", spec, "--residuals", csv}, dir.path());
  ASSERT_EQ(r.rc, 0) << r.err;

  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line,
            "step,model,variant,loops,phase,batch,context,op,name,kind,rows,flops,bytes,roof_compute_s,"
            "roof_memory_s,measured_s,before_s,after_s");
  std::vector<std::vector<std::string>> rows;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream ls(line);
    for (std::string cell; std::getline(ls, cell, ',');) cells.push_back(cell);
    rows.push_back(cells);
  }
  ASSERT_EQ(rows.size(), ops);
  std::size_t i = 0;
  for (std::size_t st = 0; st < rec.steps.size(); ++st)
    for (std::size_t op = 0; op < rec.steps[st].op_time_s.size(); ++op, ++i) {
      SCOPED_TRACE("row " + std::to_string(i));
      ASSERT_EQ(rows[i].size(), 18u);
      EXPECT_EQ(rows[i][0], std::to_string(st));
      EXPECT_EQ(rows[i][2], st < 4 ? "vanilla" : "plt");
      EXPECT_EQ(rows[i][7], std::to_string(op));
      const double measured = std::stod(rows[i][15]), after = std::stod(rows[i][17]);
      EXPECT_NEAR(measured, rec.steps[st].op_time_s[op], 1e-5 * measured);
      EXPECT_NEAR(after, measured, 0.01 * measured);
    }
  // Bad output path: exit 2 naming the option.
  Result bad =
      run({"calibrate", records, "--hardware", spec, "--residuals", (dir / "no/such/dir.csv").string()}, dir.path());
  EXPECT_EQ(bad.rc, 2);
  EXPECT_EQ(bad.err.rfind("looplab: error: residuals:", 0), 0u) << bad.err;
}

// `looplab calibrate --runs`: the op times of `looplab run` in the store are the records (each
// op's median over the repeats), the spec is the one the runs were predicted with, and the
// calibration goes into the same store with its first run as source.
TEST(Cli, CalibrateFromStoredRuns) {
  TempDir dir;
  const std::string db = (dir / "l.db").string(), spec = looplab::testing::write_host_spec(dir.path()).string();
  for (const char* variant : {"plt", "looped"}) {
    Result r = run({"run", "--model", "tiny", "--variant", variant, "--backend", "cpu", "--decode-steps", "4",
                    "--repeat", "3", "--db", db, "--hardware", spec},
                   dir.path());
    ASSERT_EQ(r.rc, 0) << r.err;
  }
  Result r = run({"calibrate", "--runs", "1,2", "--db", db, "--json"}, dir.path());
  ASSERT_EQ(r.rc, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["provenance"]["records"], "runs 1,2 of l.db");
  EXPECT_EQ(j["provenance"]["hardware"], "host");
  EXPECT_EQ(j["error"]["after"]["steps"], 10);  // 2 runs x (prefill + 4 decode steps)
  std::size_t ops = 0;
  for (Variant v : {Variant::plt, Variant::looped}) {
    ModelConfig c = load_model("tiny");
    c.variant = v;
    ops += plan_step(c, {Phase::prefill, 1, 32}).ops.size() + 4 * plan_step(c, {Phase::decode, 1, 33}).ops.size();
  }
  EXPECT_EQ(j["error"]["after"]["ops"].get<std::size_t>(), ops);
  EXPECT_LT(j["error"]["after"]["op_median"].get<double>(), j["error"]["before"]["op_median"].get<double>());

  auto s = store::open_store(db, store::OpenMode::read_only);
  const auto cals = s->calibrations();
  ASSERT_EQ(cals.size(), 1u);
  EXPECT_EQ(cals[0].source_run, std::optional<store::RunId>(1));
  EXPECT_NE(cals[0].method.find("runs 1,2"), std::string::npos) << cals[0].method;

  Result missing = run({"calibrate", "--runs", "9", "--db", db}, dir.path());
  EXPECT_EQ(missing.rc, 2);
  EXPECT_EQ(missing.err.rfind("looplab: error: runs: no run 9", 0), 0u) << missing.err;
  Result both = run({"calibrate", "records.json", "--runs", "1", "--db", db}, dir.path());
  EXPECT_EQ(both.rc, 2);
  EXPECT_EQ(both.err.rfind("looplab: error: records:", 0), 0u) << both.err;
}

// `looplab hardware`: datasheets and measured host specs listed with their quality; `predict
// --hardware host` takes the newest quiet host spec of this machine and refuses a noisy one;
// remove, and the errors naming their field.
TEST(Cli, HardwareCatalogAndPredictOnTheHostSpec) {
  TempDir dir;
  const std::string db = (dir / "h.db").string();
  Result none = run({"predict", "--model", "tiny", "--hardware", "host", "--db", db, "--context", "64"}, dir.path());
  EXPECT_EQ(none.rc, 2);
  EXPECT_NE(none.err.find("hardware: host"), std::string::npos) << none.err;
  EXPECT_FALSE(std::filesystem::exists(db)) << "looking for a spec created the store";

  auto add = [&](double bw, const std::string& quality) {
    auto s = store::open_store(db, store::OpenMode::read_write);
    HardwareSpec h = load_hardware(looplab::testing::write_host_spec(dir.path()).string());
    h.mem_bw_bytes_per_s.measured->value = bw;
    return s->put_hardware({0, "host", hardware_to_json(h).dump(), "", host_machine_id(lab::cpu_threads()), quality,
                            quality == "quiet" ? "" : "machine busy"});
  };
  add(11e9, "noisy");
  Result noisy =
      run({"predict", "--model", "tiny", "--hardware", "host", "--db", db, "--context", "64", "--json"}, dir.path());
  EXPECT_EQ(noisy.rc, 2) << "a noisy host spec must not be chosen silently";
  const std::int64_t quiet = add(20e9, "quiet");
  Result p =
      run({"predict", "--model", "tiny", "--hardware", "host", "--db", db, "--context", "64", "--json"}, dir.path());
  ASSERT_EQ(p.rc, 0) << p.err;
  EXPECT_EQ(nlohmann::json::parse(p.out)["hardware"], "host");
  EXPECT_EQ(nlohmann::json::parse(p.out)["hardware_kind"], "host");
  // The host runs its ops as plain calls: neither graph nor stream launches (a user's complaint).
  EXPECT_EQ(nlohmann::json::parse(p.out)["launch"], "none");
  EXPECT_EQ(nlohmann::json::parse(p.out)["engine"], "looplab-cpu");

  Result list = run({"hardware", "list", "--db", db, "--json"}, dir.path());
  ASSERT_EQ(list.rc, 0) << list.err;
  auto entries = nlohmann::json::parse(list.out);
  int measured = 0;
  for (const auto& e : entries)
    if (e["origin"] == "measured") {
      ++measured;
      EXPECT_TRUE(e.contains("quality") && e.contains("machine") && e.contains("measured_at")) << e.dump();
    }
  EXPECT_EQ(measured, 2);
  EXPECT_EQ(entries[0]["origin"], "datasheet");

  Result show = run({"hardware", "show", std::to_string(quiet), "--db", db, "--json"}, dir.path());
  ASSERT_EQ(show.rc, 0) << show.err;
  EXPECT_EQ(nlohmann::json::parse(show.out)["quality"], "quiet");
  Result h200 = run({"hardware", "show", "h200"}, dir.path());
  EXPECT_EQ(h200.rc, 0) << h200.err;
  EXPECT_NE(h200.out.find("memory bandwidth"), std::string::npos) << h200.out;

  Result rm = run({"hardware", "remove", std::to_string(quiet), "--db", db}, dir.path());
  EXPECT_EQ(rm.rc, 0) << rm.err;
  Result gone = run({"hardware", "show", std::to_string(quiet), "--db", db}, dir.path());
  EXPECT_EQ(gone.rc, 2);
  EXPECT_NE(gone.err.find("name: "), std::string::npos) << gone.err;
  Result again = run({"hardware", "remove", std::to_string(quiet), "--db", db}, dir.path());
  EXPECT_EQ(again.rc, 2);
}

// `looplab demo`: each variant with its verdict, a calibrated prediction fitted on the other
// four variants, and ratios against vanilla marked when the runs are not quiet (two repeats give
// a prefill of two samples: unusable, so every ratio is marked).
TEST(Cli, DemoShowsVerdictsAndHeldOutCalibration) {
  TempDir dir;
  const std::string db = (dir / "d.db").string(), spec = looplab::testing::write_host_spec(dir.path()).string();
  const std::vector<std::string> args = {"demo", "--model",  "tiny", "--batch",    "2", "--new-tokens",
                                         "5",    "--repeat", "2",    "--max-time", "0", "--hardware",
                                         spec,   "--db",     db,     "--no-trace"};
  std::vector<std::string> json_args = args;
  json_args.push_back("--json");
  Result j = run(json_args, dir.path());
  ASSERT_EQ(j.rc, 0) << j.err;
  auto out = nlohmann::json::parse(j.out);
  ASSERT_EQ(out["variants"].size(), 5u);
  for (const auto& v : out["variants"]) {
    EXPECT_EQ(v["verdict"], "unusable") << v["variant"];
    EXPECT_TRUE(v["decode_vs_vanilla_noisy"].get<bool>());
    EXPECT_TRUE(v["calibrated_decode_ms_per_token"].is_number()) << v["variant"];
    EXPECT_EQ(v["calibration"], "fitted on the other four variants' runs only");
  }
  Result text = run(args, dir.path());
  ASSERT_EQ(text.rc, 0) << text.err;
  EXPECT_NE(text.out.find("x?"), std::string::npos) << text.out;  // a marked ratio
  EXPECT_NE(text.out.find("note: '?' marks a ratio"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("calibrated"), std::string::npos) << text.out;
}
