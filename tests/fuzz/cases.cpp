// Bases and cases of the fuzz suite (cases.hpp).
#include "tests/fuzz/cases.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "engine/core/config.hpp"
#include "engine/core/safetensors.hpp"
#include "engine/core/weights.hpp"
#include "simulator/calibrate.hpp"
#include "simulator/calibration.hpp"
#include "simulator/predict.hpp"
#include "simulator/records.hpp"
#include "store/store.hpp"
#include "tests/fuzz/mutate.hpp"

namespace looplab::fuzz {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void sql(sqlite3* db, const char* text) {
  if (sqlite3_exec(db, text, nullptr, nullptr, nullptr) != SQLITE_OK)
    throw std::runtime_error(std::string("fuzz bases: ") + sqlite3_errmsg(db));
}

// Records of the tiny model on h200 whose op times are the roofline's own: a valid records file.
RecordSet tiny_records() {
  RecordSet r;
  r.hardware = "h200";
  r.engine_commit = "fuzz";
  r.launch = LaunchMode::stream;
  const HardwareSpec hw = load_hardware("h200");
  for (Variant v : {Variant::vanilla, Variant::plt}) {
    ModelConfig c = load_model("tiny");
    c.variant = v;
    c.loops = 2;
    const CostParams p = make_cost_params(c, hw, {LaunchMode::stream, Ceiling::measured});
    for (std::int64_t step = 0; step < 3; ++step) {
      const StepShape shape = step == 0 ? StepShape{Phase::prefill, 2, 8} : StepShape{Phase::decode, 2, 8 + step};
      StepRecord rec{c, shape, {}};
      for (const OpPrediction& op : predict_step(c, shape, p, OpDetail::every_op).ops)
        rec.op_time_s.push_back(op.cost.time_s * 1.5);
      r.steps.push_back(std::move(rec));
    }
  }
  return r;
}

// A value of the command line replaced by an edge value, removed, duplicated, or an unknown
// flag added. `fixed` flags keep their values (a time budget must stay small).
std::vector<std::string> mutate_args(std::vector<std::string> args, Rng& rng, std::string& what,
                                     const std::vector<std::string>& fixed) {
  std::vector<std::size_t> values;  // indices of an option's value
  for (std::size_t i = 1; i + 1 < args.size(); ++i)
    if (args[i].rfind("--", 0) == 0 && args[i + 1].rfind("--", 0) != 0 &&
        std::find(fixed.begin(), fixed.end(), args[i]) == fixed.end())
      values.push_back(i + 1);
  switch (values.empty() ? 4 : rng.below(6)) {
    case 0:
    case 1:
    case 2: {
      const std::size_t i = rng.pick(values);
      args[i] = edge_value(rng);
      what = args[i - 1] + " = " + args[i].substr(0, 40);
      break;
    }
    case 3: {  // the value missing
      const std::size_t i = rng.pick(values);
      what = args[i - 1] + " without its value";
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i));
      break;
    }
    case 4: {
      const std::string flag = rng.pick(std::vector<std::string>{"--no-such-flag", "--json", "-x", "--", "--db"});
      args.insert(args.begin() + static_cast<std::ptrdiff_t>(1 + rng.below(args.size())), flag);
      what = "inserted " + flag;
      break;
    }
    default: {  // an option given twice, the second with an edge value
      const std::size_t i = rng.pick(values);
      args.push_back(args[i - 1]);
      args.push_back(edge_value(rng));
      what = args[i - 1] + " twice";
      break;
    }
  }
  return args;
}

// Store-file mutations: bytes, or a foreign/newer file, or another database's -wal beside it.
void mutate_store(const Bases& b, Rng& rng, Case& c) {
  switch (rng.below(6)) {
    case 0:
      c.files.push_back({"s.db", b.foreign_db});
      c.mutation = "a foreign SQLite file";
      break;
    case 1: {
      std::string s = b.store;
      s[60 + 3] = static_cast<char>(s[60 + 3] + 1 + rng.below(5));  // user_version's low byte: a newer schema
      c.files.push_back({"s.db", s});
      c.mutation = "a newer schema version";
      break;
    }
    case 2:
      c.files.push_back({"s.db", b.store});
      c.files.push_back({"s.db-wal", b.foreign_wal});
      c.mutation = "a foreign -wal beside the store";
      break;
    default: {
      std::string what;
      // Overwritten pages keep the size; the other mutations change it.
      std::string s = b.store;
      if (rng.chance(50)) {
        const std::size_t page = 4096, pages = s.size() / page;
        const std::size_t at = page * (1 + rng.below(pages > 1 ? pages - 1 : 1));
        for (std::size_t i = 0; i < page && at + i < s.size(); ++i) s[at + i] = static_cast<char>(rng.below(256));
        what = "page at " + std::to_string(at) + " overwritten";
      } else {
        s = mutate_bytes(s, rng, what);
      }
      c.files.push_back({"s.db", s});
      c.mutation = what;
      break;
    }
  }
}

}  // namespace

Bases make_bases(const std::string& scratch) {
  const fs::path dir = scratch;
  Bases b;
  b.model = config_to_json(load_model("tiny"));
  b.hardware = json::parse(read_bytes(data_dir() / "hardware" / "h200.json"));
  b.sweep = {{"name", "fuzz"},
             {"models", {"tiny"}},
             {"variants", {"vanilla", "plt"}},
             {"loops", {2}},
             {"windows", {4}},
             {"batches", {1, 4}},
             {"contexts", {64, 256}},
             {"hardware", {"h200"}},
             {"dtypes", {"bf16"}},
             {"shapes", {{"layers", {1, 2}}}},
             {"constraints", {{"max_decode_step_s", 0.01}, {"fits_memory", true}}},
             {"objective", {{"maximize", "decode_tokens_per_s"}}}};
  b.engine = json::parse(read_bytes(data_dir() / "engines" / "vllm.json"));
  // Three points of two sources: enough for a fit to run, small enough to be quick.
  auto point = [](const char* id, const char* group, const char* phase, std::int64_t batch, double s) {
    return json{{"id", id},       {"source", group},         {"group", group},           {"phase", phase},
                {"seconds", s},   {"hardware", "a100-80gb"}, {"engine_profile", "vllm"}, {"model_preset", "tiny"},
                {"batch", batch}, {"context", 64},           {"published", "fuzz"},      {"conversion", "fuzz"}};
  };
  b.validation = {
      {"sources", {{{"id", "a"}, {"url", "https://example.org/a"}}, {{"id", "b"}, {"url", "https://example.org/b"}}}},
      {"points",
       {point("a1", "a", "decode", 1, 2e-4), point("a2", "a", "prefill", 4, 1e-3),
        point("b1", "b", "decode", 8, 3e-4)}}};
  b.suite = json::parse(R"({"name": "fuzz", "defaults": {"backend": "cpu", "threads": 1, "prompt": 4,
      "decode_steps": 1, "warmup": 0, "repeats": 1, "max_time_s": 0},
      "thresholds": {"decode step": 0.05},
      "workloads": [{"name": "tiny-plt", "model": "tiny", "variant": "plt", "loops": 2, "batch": 1,
                     "config": {"layers": 1}}]})");
  b.gbench = json::parse(R"({"context": {"executable": "/x/bench", "host_name": "h"}, "benchmarks": [
      {"name": "BM_a/1", "run_name": "BM_a/1", "run_type": "iteration", "repetitions": 2, "repetition_index": 0,
       "threads": 1, "iterations": 10, "real_time": 12.5, "cpu_time": 12.0, "time_unit": "us"},
      {"name": "BM_a/1", "run_name": "BM_a/1", "run_type": "iteration", "repetitions": 2, "repetition_index": 1,
       "threads": 1, "iterations": 10, "real_time": 12.7, "cpu_time": 12.1, "time_unit": "us"},
      {"name": "BM_a/1_mean", "run_name": "BM_a/1", "run_type": "aggregate", "aggregate_name": "mean",
       "real_time": 12.6, "time_unit": "us"}]})");
  const RecordSet records = tiny_records();
  b.records = records_to_json(records);
  const HardwareSpec hw = load_hardware("h200");
  const FitBasis basis = fit_basis(hw, Ceiling::measured, records.launch);
  b.calibration = calibration_to_json(fit_calibration(samples_from_records(records, hw, Ceiling::measured), basis,
                                                      {"h200", "fuzz", "2026-01-01T00:00:00Z", "fuzz"},
                                                      Ceiling::measured, records.launch));
  const ModelConfig tiny = load_model("tiny");
  save_weights((dir / "w.safetensors").string(), random_weights(tiny, 3), DType::f32, {});
  b.safetensors = read_bytes(dir / "w.safetensors");
  {
    auto s = store::open_store(dir / "s.db", store::OpenMode::read_write);
    store::RunInfo info;
    info.label = "fuzz";
    info.model = "tiny";
    info.variant = "plt";
    info.config_json = config_to_json(tiny).dump();
    info.backend = "cpu";
    info.tracer = "host";
    const store::RunId id = s->begin_run(info);
    store::RunRows rows;
    rows.steps.push_back({0, 0, "prefill", 1, 8, 0, 1000, 100});
    for (int op = 0; op < 5; ++op) {
      store::OpRow o;
      o.op_index = op;
      o.name = "op" + std::to_string(op);
      o.kind = "qkv_proj";
      o.start_ns = std::int64_t{100} * op;
      o.end_ns = std::int64_t{100} * op + 90;
      rows.ops.push_back(o);
    }
    s->append(id, rows);
    info.status = store::RunStatus::complete;
    s->finish_run(info);
  }
  b.store = read_bytes(dir / "s.db");
  sqlite3* db = nullptr;
  sqlite3_open((dir / "other.db").c_str(), &db);
  sql(db, "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('another program')");
  sqlite3_close(db);
  b.foreign_db = read_bytes(dir / "other.db");
  sqlite3_open((dir / "walled.db").c_str(), &db);
  sql(db, "PRAGMA journal_mode = WAL; CREATE TABLE t (x); INSERT INTO t VALUES (1), (2), (3)");
  b.foreign_wal = read_bytes(dir / "walled.db-wal");  // read while the writer still holds it
  sqlite3_close(db);
  if (b.foreign_wal.empty()) throw std::runtime_error("fuzz bases: no -wal to copy");
  return b;
}

std::vector<std::string> kinds() {
  return {"model",   "hardware",    "engine", "validation", "sweep",  "calibration",
          "records", "safetensors", "store",  "suite",      "gbench", "args"};
}

Case make_case(const Bases& b, const std::string& kind, std::uint64_t seed, std::uint64_t index) {
  Rng rng(seed * 0x100000001B3ULL + index * 0x9E3779B97F4A7C15ULL + std::hash<std::string>{}(kind));
  Case c;
  c.kind = kind;
  if (kind == "model") {
    c.files.push_back({"model.json", mutate_text(b.model, rng, c.mutation)});
    c.args = rng.chance(50)
                 ? std::vector<std::string>{"plan", "--model", "{dir}/model.json", "--batch", "2", "--context", "9"}
                 : std::vector<std::string>{"predict", "--model", "{dir}/model.json", "--context", "64"};
  } else if (kind == "hardware") {
    c.files.push_back({"hw.json", mutate_text(b.hardware, rng, c.mutation)});
    c.args = {"predict", "--model", "tiny", "--hardware", "{dir}/hw.json", "--context", "64", "--json"};
  } else if (kind == "engine") {
    c.files.push_back({"engine.json", mutate_text(b.engine, rng, c.mutation)});
    c.args = {"predict", "--model", "tiny", "--hardware", "h200", "--engine", "{dir}/engine.json", "--context", "64"};
  } else if (kind == "validation") {
    c.files.push_back({"set.json", mutate_text(b.validation, rng, c.mutation)});
    c.args = {"validate", "--set", "{dir}/set.json", "--quiet", "--fit", rng.chance(50) ? "priors" : "loso"};
  } else if (kind == "sweep") {
    c.files.push_back({"spec.json", mutate_text(b.sweep, rng, c.mutation)});
    c.args = {"sweep", "{dir}/spec.json", "--no-progress", "--out", "{dir}/o.csv"};
  } else if (kind == "calibration") {
    c.files.push_back({"cal.json", mutate_text(b.calibration, rng, c.mutation)});
    c.args = {"predict", "--model", "tiny", "--hardware", "h200", "--calibration", "{dir}/cal.json", "--context", "64"};
  } else if (kind == "records") {
    c.files.push_back({"rec.json", mutate_text(b.records, rng, c.mutation)});
    c.args = {"calibrate", "{dir}/rec.json", "--hardware", "h200", "--out", "{dir}/cal.json"};
  } else if (kind == "safetensors") {
    c.files.push_back({"w.safetensors", mutate_bytes(b.safetensors, rng, c.mutation)});
    c.args = {"generate",     "--model", "tiny",         "--weights", "{dir}/w.safetensors",
              "--prompt-len", "3",       "--new-tokens", "2"};
  } else if (kind == "suite") {
    c.files.push_back({"suite.json", mutate_text(b.suite, rng, c.mutation)});
    // --dry-run: every check a suite goes through, without a mutated time budget to wait out
    c.args = {"gate", "run", "{dir}/suite.json", "--db", "{dir}/s.db", "--label", "fz", "--dry-run"};
  } else if (kind == "gbench") {
    c.files.push_back({"bench.json", mutate_text(b.gbench, rng, c.mutation)});
    c.args = {"import", "gbench", "{dir}/bench.json", "--db", "{dir}/s.db", "--label", "fz"};
  } else if (kind == "store") {
    mutate_store(b, rng, c);
    const std::vector<std::vector<std::string>> commands = {
        {"runs", "list", "--db", "{dir}/s.db"},
        {"runs", "show", "1", "--db", "{dir}/s.db"},
        {"runs", "export", "1", "--csv", "--db", "{dir}/s.db"},
        {"runs", "trace", "1", "-o", "{dir}/t.json.gz", "--db", "{dir}/s.db"},
        {"hardware", "list", "--db", "{dir}/s.db"},
        {"gate", "history", "--db", "{dir}/s.db", "--metric", "prefill"},
        {"runs", "prune", "--keep-last", "0", "--db", "{dir}/s.db"},
        {"run", "--model", "tiny", "--decode-steps", "1", "--repeat", "1", "--max-time", "0", "--warmup", "0",
         "--hardware", "h200", "--db", "{dir}/s.db"}};
    c.args = rng.pick(commands);
  } else {
    // Valid, quick command lines, one value (or flag) at a time made bad. Time budgets stay fixed.
    const std::vector<std::vector<std::string>> commands = {
        {"plan", "--model", "tiny", "--variant", "plt", "--loops", "2", "--batch", "2", "--context", "9"},
        {"predict", "--model", "tiny", "--batch", "4", "--context", "64", "--hardware", "h200", "--json"},
        {"predict", "--ladder", "--model", "tiny", "--batch", "4", "--context", "64", "--window", "8"},
        {"generate", "--model", "tiny", "--batch", "1", "--prompt-len", "4", "--new-tokens", "2", "--seed", "3"},
        {"run", "--model", "tiny", "--decode-steps", "1", "--repeat", "1", "--max-time", "0", "--warmup", "0",
         "--threads", "1", "--hardware", "h200", "--db", "{dir}/s.db"},
        {"hardware", "show", "h200"},
        {"weights", "init", "--model", "tiny", "--out", "{dir}/w.safetensors"},
        {"sweep", "{dir}/spec.json", "--no-progress", "--out", "{dir}/o.csv"},
        {"gate", "compare", "--db", "{dir}/s.db", "--baseline", "fuzz", "--candidate", "fuzz", "--threshold", "0.05"}};
    c.args = rng.pick(commands);
    if (c.args[0] == "gate") c.files.push_back({"s.db", b.store});
    if (c.args[0] == "sweep") c.files.push_back({"spec.json", b.sweep.dump()});
    c.args = mutate_args(c.args, rng, c.mutation, {"--max-time", "--min-time", "--hardware"});
  }
  return c;
}

}  // namespace looplab::fuzz
