// The store fixture (see store_fixture.hpp).
#include "store_fixture.hpp"

#include <sqlite3.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "engine/core/config.hpp"
#include "engine/core/plan.hpp"
#include "store/store.hpp"
#include "store/summary.hpp"

namespace looplab::gui::test {

double stepFactor(int decodeStep) { return 1.0 + 0.01 * ((decodeStep * 3) % 5); }
double expectedOpMeasuredS(int opIndex) { return (opIndex + 1) * 1e-6 * 1.02; }
double expectedOpPredictedS(int opIndex) { return (opIndex + 1) * 1.1e-6 * 1.003; }

std::string hostSpecJson() {
  return R"json({
  "name": "host", "kind": "host", "description": "test host",
  "memory_bytes": {"measured": {"value": 16e9, "source": "test value"}},
  "mem_bw_bytes_per_s": {"measured": {"value": 2e10, "source": "test value"}},
  "peak_flops": {"f32": {"measured": {"value": 1e11, "source": "test value"}}},
  "sm_count": {"measured": {"value": 2, "source": "test value"}},
  "l2_bytes": {"measured": {"value": 8e6, "source": "test value"}},
  "launch_overhead_s": {"stream": {"measured": {"value": 1e-7, "source": "test value"}},
                        "graph": {"measured": {"value": 1e-7, "source": "test value"}}}
})json";
}

namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every repeat identical (repeat r starts 10 ms after repeat r - 1 on the run clock).
store::RunRows makeRows(const ModelConfig& config, std::int64_t batch, bool gpu, int decodeSteps, int repeats) {
  store::RunRows rows;
  for (int rep = 0; rep < repeats; ++rep) {
    std::int64_t t = 1000 + 10'000'000 * static_cast<std::int64_t>(rep);  // ns on the run clock
    for (int s = 0; s <= decodeSteps; ++s) {
      const bool prefill = s == 0;
      const StepShape shape{prefill ? Phase::prefill : Phase::decode, batch, prefill ? kPromptLen : kPromptLen + s};
      const StepPlan plan = plan_step(config, shape);
      const double factor = prefill ? 100.0 : stepFactor(s);
      store::StepRow step;
      step.repeat_index = rep;
      step.step_index = s;
      step.phase = prefill ? "prefill" : "decode";
      step.batch = batch;
      step.context_len = shape.context_len;
      step.start_ns = t;
      std::int64_t measuredSum = 0;
      for (std::size_t i = 0; i < plan.ops.size(); ++i) {
        const OpDesc& d = plan.ops[i];
        const auto measuredNs = static_cast<std::int64_t>(static_cast<double>(i + 1) * 1000.0 * factor + 0.5);
        store::OpRow o;
        o.repeat_index = rep;
        o.step_index = s;
        o.op_index = static_cast<std::int64_t>(i);
        o.name = op_name(d);
        o.kind = std::string(to_string(d.kind));
        o.layer = d.layer;
        o.loop_lo = d.loop_lo;
        o.loop_hi = d.loop_hi;
        o.pass = d.pass;
        o.rows = d.rows;
        o.n = d.n;
        o.k = d.k;
        o.kv_len = d.kv_len;
        o.start_ns = t;
        // On the GPU the op's host span includes a 1 µs launch; its measured time is the kernel's.
        o.end_ns = t + measuredNs + (gpu ? 1000 : 0);
        if (gpu) {
          o.device_ns = measuredNs;
          o.kernels = 1;
          store::KernelRow k;
          k.start = t + 500;
          k.end = k.start + measuredNs;
          k.stream_id = is_gemm(d.kind) ? 7 : 13;
          k.correlation_id = static_cast<std::int64_t>(rep * 100000 + s * 1000 + static_cast<int>(i));
          k.name = "looplab::" + o.kind + "_kernel";
          k.short_name = o.kind + "_kernel";
          k.repeat_index = rep;
          k.step_index = s;
          k.op_index = o.op_index;
          rows.kernels.push_back(k);
        }
        t = o.end_ns;
        measuredSum += o.measured_ns();
        rows.ops.push_back(o);
        if (rep > 0) continue;  // predictions are per step, the same for every repeat
        store::PredictionRow p;
        p.step_index = s;
        p.op_index = o.op_index;
        p.name = o.name;
        p.kind = o.kind;
        p.time_s = prefill ? 1e-3 : static_cast<double>(i + 1) * 1.1e-6 * (1.0 + 0.001 * s);
        // FLOPs grow faster than bytes: every op has its own intensity and its own roofline spot.
        p.flops = 1000.0 * static_cast<double>((i + 1) * (i + 1));
        p.bytes = 100.0 * static_cast<double>(i + 1);
        p.bound = i % 2 == 0 ? "memory" : "compute";
        rows.predictions.push_back(p);
      }
      step.end_ns = t + 2000;
      // What lab/capture_rows.cpp stores: wall minus the ops' measured time (on the GPU that
      // includes every op's 1 µs launch, which no kernel covers).
      step.unattributed_ns = (step.end_ns - step.start_ns) - measuredSum;
      t = step.end_ns + 1000;
      rows.steps.push_back(step);
    }
  }
  return rows;
}

FixtureRun writeRun(store::Store& st, Variant variant, std::int64_t batch, bool gpu, store::RunStatus status,
                    bool busy = false) {
  ModelConfig config = load_model("tiny");
  config.variant = variant;
  config.loops = variant == Variant::vanilla ? 1 : 2;
  store::RunInfo info;
  info.label = "test";
  info.model = config.name;
  info.variant = std::string(to_string(variant));
  info.loops = config.effective_loops();
  info.config_json = config_to_json(config).dump();
  info.batch = batch;
  info.prompt_len = kPromptLen;
  info.decode_steps = kDecodeSteps;
  const bool complete = status == store::RunStatus::complete;
  info.repeats = complete ? kRepeats : 1;
  info.backend = gpu ? "cuda" : "cpu";
  info.tracer = gpu ? "cupti" : "host";
  info.hardware = gpu ? "h200" : "host";
  info.hardware_json = gpu ? readFile((data_dir() / "hardware" / "h200.json").string()) : hostSpecJson();
  info.device_name = gpu ? "NVIDIA H200" : "test CPU";
  info.engine_commit = "test";
  info.host = "test";
  info.threads = gpu ? 1 : 2;
  info.machine.load_before = 0.5;
  info.machine.cpus_online = 2;
  info.machine.affinity = "0-1";
  info.machine.thread_policy = gpu ? "one host thread" : "every online CPU";
  const store::RunId id = st.begin_run(info);
  const store::RunRows rows = makeRows(config, batch, gpu, complete ? kDecodeSteps : 2, static_cast<int>(info.repeats));
  st.append(id, rows);
  info.status = status;
  info.stats = store::run_stats(rows);
  info.error = status == store::RunStatus::complete ? "" : "stopped by the test";
  info.policy.stop_reason = "min_repeats";
  info.machine.load_after = busy ? kBusyLoadAfter : 0.5;
  info.machine.window_s = 12.0;
  info.machine.others_cpu_s = busy ? kBusyOthersCpus * 12.0 : 0.1;
  info.machine.steal_fraction = 0.0;
  if (busy && status == store::RunStatus::complete) {
    // What the measurement layer does on a busy machine: at least noisy, and why.
    info.stats.verdict =
        std::string(stats::to_string(stats::worst(stats::parse_verdict(info.stats.verdict), stats::Verdict::noisy)));
    info.stats.verdict_reason += (info.stats.verdict_reason.empty() ? "" : "; ") + std::string(kBusyReason);
  }
  st.finish_run(info);
  return FixtureRun{id, variant, info.backend, batch, status == store::RunStatus::complete};
}

}  // namespace

std::vector<FixtureRun> fillStore(const std::string& path) {
  auto st = store::open_store(path, store::OpenMode::read_write);
  std::vector<FixtureRun> runs;
  for (Variant v : kAllVariants) {
    runs.push_back(writeRun(*st, v, 2, true, store::RunStatus::complete, v == Variant::clp_share));
  }
  runs.push_back(writeRun(*st, Variant::plt, 1, false, store::RunStatus::complete, true));
  runs.push_back(writeRun(*st, Variant::looped, 1, false, store::RunStatus::interrupted));
  return runs;
}

void multiplyRuns(const std::string& path, std::int64_t total) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) throw std::runtime_error("cannot open " + path);
  // Every column of `runs` but the id, read from the schema so the copy follows it.
  std::vector<std::string> columns;
  sqlite3_stmt* info = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA table_info(runs)", -1, &info, nullptr);
  while (info != nullptr && sqlite3_step(info) == SQLITE_ROW) {
    const std::string name = reinterpret_cast<const char*>(sqlite3_column_text(info, 1));
    if (name != "id") columns.push_back(name);
  }
  sqlite3_finalize(info);
  std::string names, values;
  for (const std::string& c : columns) {
    names += (names.empty() ? "" : ", ") + c;
    // Copies differ in batch, seed and measured median, so sorting has something to sort.
    std::string v = "r." + c;
    if (c == "batch") v = "r.batch + (n.i % 64)";
    if (c == "seed") v = "r.seed + n.i";
    if (c == "decode_median_s") v = "r.decode_median_s * (1 + (n.i % 97) / 100.0)";
    values += (values.empty() ? "" : ", ") + v;
  }
  // Copies of the existing runs (cycling through them) until the table holds `total` rows.
  const std::string sql = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
                          std::to_string(total) + " - (SELECT count(*) FROM runs)) INSERT INTO runs (" + names +
                          ") SELECT " + values +
                          " FROM n JOIN runs r ON r.id = 1 + (n.i % (SELECT count(*) FROM runs))";
  char* error = nullptr;
  const int rc = sqlite3_exec(db, ("BEGIN; " + sql + "; COMMIT;").c_str(), nullptr, nullptr, &error);
  const std::string message = error != nullptr ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  if (rc != SQLITE_OK) throw std::runtime_error("multiplyRuns: " + message);
}

}  // namespace looplab::gui::test
