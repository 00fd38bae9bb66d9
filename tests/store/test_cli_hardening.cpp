// Every bad input answered with exit 2 and one line naming the field or file, nothing written:
// one regression test per problem a hostile-user session found (deep nesting, numbers beyond a
// double, SQLite special names, stores created or runs measured before a bad flag was noticed,
// outputs to a full device, sizes that overflow or exceed memory, raw control characters, a
// broken preset, a damaged store).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "store/store.hpp"
#include "tests/store/cli_runner.hpp"
#include "tests/store/host_spec.hpp"
#include "tests/store/sample_rows.hpp"
#include "tests/store/temp_dir.hpp"

using namespace looplab;
using looplab::testing::TempDir;
using namespace looplab::testing::cli;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() != ".out" && e.path().extension() != ".err") out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// Exit 2, exactly one line on stderr that starts with "looplab: error: FIELD".
void expect_input_error(const Result& r, const std::string& field, const std::string& what) {
  EXPECT_EQ(r.rc, 2) << what << ": " << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << what << ": " << r.err;
  EXPECT_EQ(r.err.rfind("looplab: error: " + field, 0), 0u) << what << ": " << r.err;
}

std::string nested(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

}  // namespace

TEST(CliHardening, DeeplyNestedJsonIsAnErrorNotACrash) {
  TempDir dir;
  const std::string deep = nested(100000);
  std::ofstream(dir / "model.json") << R"({"name": "x", "layers": )" << deep << "}";
  expect_input_error(run({"plan", "--model", (dir / "model.json").string()}, dir.path()), "layers", "model");
  std::ofstream(dir / "hw.json") << R"({"name": "h", "kind": "gpu", "peak_flops": )" << deep << "}";
  expect_input_error(run({"predict", "--hardware", (dir / "hw.json").string()}, dir.path()), "hardware.peak_flops",
                     "hardware");
  std::ofstream(dir / "spec.json") << R"({"models": ["tiny"], "batches": )" << deep << "}";
  expect_input_error(run({"sweep", (dir / "spec.json").string(), "--no-progress"}, dir.path()), "spec.batches",
                     "sweep spec");
  std::ofstream(dir / "cal.json") << R"({"kinds": )" << deep << "}";
  expect_input_error(run({"predict", "--model", "tiny", "--calibration", (dir / "cal.json").string()}, dir.path()),
                     "calibration.kinds", "calibration");
  std::ofstream(dir / "rec.json") << R"({"hardware": "h200", "runs": )" << deep << "}";
  expect_input_error(run({"calibrate", (dir / "rec.json").string()}, dir.path()), "records.runs", "records");
}

TEST(CliHardening, NumbersBeyondADoubleNameTheirKey) {
  TempDir dir;
  std::ofstream(dir / "model.json") << R"({"name": "x", "hidden": 1e400})";
  expect_input_error(run({"plan", "--model", (dir / "model.json").string()}, dir.path()), "hidden", "1e400");
}

TEST(CliHardening, SqliteSpecialNamesAreRefusedAndNothingIsStored) {
  TempDir dir;
  const std::string spec = looplab::testing::write_host_spec(dir.path()).string();
  for (const char* db : {":memory:", "file::memory:", "file:x.db?mode=memory"}) {
    Result r = run({"run", "--model", "tiny", "--decode-steps", "1", "--repeat", "1", "--max-time", "0", "--hardware",
                    spec, "--db", db},
                   dir.path());
    expect_input_error(r, "db", db);
    EXPECT_EQ(r.out.find("stored as run"), std::string::npos) << r.out;
  }
  EXPECT_EQ(files_in(dir.path()), (std::vector<std::string>{"host.json"}));
}

// A bad flag is noticed before the store is created or anything is measured.
TEST(CliHardening, BadFlagsWriteNothing) {
  TempDir dir;
  const std::string db = (dir / "s.db").string();
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"run", "--hardware", "no-such-gpu"}, "hardware"},
      {{"run", "--calibration", (dir / "missing.json").string()}, "calibration"},
      {{"run", "--backend", "tpu"}, "backend"},
      {{"run", "--batch", "0"}, "batch"},
      {{"run", "--repeat", "0"}, "repeat"},
      {{"run", "--decode-steps", "0"}, "decode-steps"},
      {{"run", "--prompt-len", "0"}, "prompt-len"},
      {{"run", "--warmup", "-1"}, "warmup"},
      {{"run", "--target-ci", "0"}, "target-ci"},
      {{"run", "--pin", "7-3"}, "pin"},
      {{"run", "--threads", "0"}, "threads"},
      {{"run", "--kernels", "turbo"}, "kernels"},
      {{"run", "--kernels", "fused", "--backend", "cpu"}, "kernels"},
      {{"demo", "--threads", "all-of-them"}, "threads"},
      {{"run", "--decode-steps", "10000000000"}, "decode-steps"},
      {{"run", "--trace", (dir / "no-such-folder" / "t.json.gz").string()}, "trace"},
      {{"demo", "--batch", "0"}, "batch"},
      {{"demo", "--trace", (dir / "no-such-folder" / "d.json.gz").string()}, "trace"},
  };
  for (const auto& [args, field] : cases) {
    std::vector<std::string> all = args;
    all.insert(all.end(), {"--model", "tiny", "--db", db});
    expect_input_error(run(all, dir.path()), field, all[0] + " " + all[1]);
    EXPECT_FALSE(fs::exists(db)) << all[1] << " created the store";
  }
  EXPECT_TRUE(files_in(dir.path()).empty());
}

TEST(CliHardening, OversizedRequestsAreInputErrors) {
  TempDir dir;
  expect_input_error(run({"plan", "--layers", "100000000"}, dir.path()), "layers", "plan --layers");
  expect_input_error(run({"plan", "--batch", "9223372036854775807"}, dir.path()), "batch", "plan --batch");
  expect_input_error(run({"generate", "--model", "tiny", "--batch", "1000000000000"}, dir.path()), "batch",
                     "generate --batch");
  expect_input_error(run({"generate", "--model", "tiny", "--new-tokens", "1000000000"}, dir.path()), "new-tokens",
                     "generate --new-tokens");
  expect_input_error(run({"generate", "--model", "tiny", "--seed", "-1"}, dir.path()), "--seed", "seed -1");
  expect_input_error(run({"predict", "--model", "tiny", "--context", "16", "--prompt", "1000"}, dir.path()), "prompt",
                     "prompt > context");
  std::ofstream(dir / "big.json") << R"({"models": ["tiny"], "batches": [9223372036854775807], "contexts": [64],
    "variants": ["plt"], "loops": [2], "hardware": ["h200"]})";
  expect_input_error(
      run({"sweep", (dir / "big.json").string(), "--out", (dir / "o.csv").string(), "--no-progress"}, dir.path()),
      "batch", "sweep batches");
  EXPECT_FALSE(fs::exists(dir / "o.csv")) << "a failed sweep left its --out";
}

TEST(CliHardening, HugeValuesAreShortenedInMessages) {
  TempDir dir;
  // In a file (an argument is limited to 128 KiB): a 5 MB bad value.
  std::ofstream(dir / "model.json") << R"({"name": "x", "variant": ")" << std::string(5'000'000, 'v') << R"("})";
  Result r = run({"plan", "--model", (dir / "model.json").string()}, dir.path());
  expect_input_error(r, "variant", "huge variant");
  EXPECT_LT(r.err.size(), 1000u);
  EXPECT_NE(r.err.find("bytes left out"), std::string::npos) << r.err.substr(0, 300);
}

TEST(CliHardening, OutputToAFullDeviceFails) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full on this system";
  TempDir dir;
  std::ofstream(dir / "spec.json") << R"({"models": ["tiny"], "variants": ["plt"], "loops": [2], "batches": [1, 2],
    "contexts": [64], "hardware": ["h200"]})";
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"sweep", (dir / "spec.json").string(), "--no-progress"},
        std::vector<std::string>{"predict", "--model", "tiny", "--csv"}, std::vector<std::string>{"presets"}}) {
    Result r = run(args, dir.path(), "/dev/full");
    EXPECT_EQ(r.rc, 1) << args[0] << ": " << r.err;
    EXPECT_NE(r.err.find("disk full"), std::string::npos) << args[0] << ": " << r.err;
  }
}

TEST(CliHardening, RunsListShowsLabelsOnOneLine) {
  TempDir dir;
  const fs::path db = dir / "s.db";
  {
    auto s = store::open_store(db, store::OpenMode::read_write);
    store::RunInfo info = looplab::testing::sample_run("ééééé\nline\x1b[31m");  // 2-byte letters, a newline, ESC
    s->begin_run(info);
  }
  Result r = run({"runs", "list", "--db", db.string()}, dir.path());
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 2) << r.out;  // header + one run
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << "an escape sequence reached the terminal";
  EXPECT_NE(r.out.find("\xc3\xa9\xc3\xa9\xc3\xa9 "), std::string::npos) << "a label cut inside a character: " << r.out;
}

TEST(CliHardening, OneBrokenPresetDoesNotHideTheOthers) {
  TempDir dir;
  fs::create_directories(dir / "data" / "models");
  for (const auto& e : fs::directory_iterator(fs::path(LOOPLAB_DATA) / "models"))
    fs::copy_file(e.path(), dir / "data" / "models" / e.path().filename());
  fs::copy(fs::path(LOOPLAB_DATA) / "hardware", dir / "data" / "hardware");
  std::ofstream(dir / "data" / "models" / "broken.json") << "{ not json";
  setenv("LOOPLAB_DATA_DIR", (dir / "data").c_str(), 1);
  Result r = run({"presets"}, dir.path());
  unsetenv("LOOPLAB_DATA_DIR");
  EXPECT_EQ(r.rc, 1) << r.err;
  EXPECT_NE(r.out.find("tiny"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("preset broken skipped"), std::string::npos) << r.err;
}

TEST(CliHardening, DamageFoundAfterOpeningIsARefusedFile) {
  TempDir dir;
  const fs::path db = dir / "s.db";
  {
    auto s = store::open_store(db, store::OpenMode::read_write);
    for (int i = 0; i < 40; ++i) {
      store::RunInfo info = looplab::testing::sample_run("r" + std::to_string(i));
      const auto id = s->begin_run(info);
      store::RunRows rows;
      for (int op = 0; op < 100; ++op) rows.ops.push_back(looplab::testing::sample_op(0, 0, op));
      s->append(id, rows);
    }
  }
  // Overwrite pages in the middle of the file (the op rows), keeping the header and schema.
  {
    std::fstream f(db, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(fs::file_size(db) / 2));
    const std::string junk(16384, '\xA5');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  bool some_damage_reported = false;
  for (int id = 1; id <= 40; ++id) {
    Result r = run({"runs", "show", std::to_string(id), "--db", db.string()}, dir.path());
    EXPECT_NE(r.rc, 1) << "a damaged store is a refused file, not a crash: " << r.err;
    if (r.rc == 2) {
      some_damage_reported = true;
      EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
      EXPECT_NE(r.err.find("damaged"), std::string::npos) << r.err;
    }
  }
  EXPECT_TRUE(some_damage_reported);
}

// A full disk (here a file-size limit: every write past 256 KiB fails as on a full file system)
// while measuring, sweeping, writing weights, a dump, an export and a trace: a clear "disk full",
// no partial file, and the store lists its runs again once there is room.
TEST(CliFaults, DiskFullLeavesNoPartialFileAndAReadableStore) {
  TempDir dir;
  const long limit = 256L * 1024;
  const std::string db = (dir / "s.db").string(), spec = looplab::testing::write_host_spec(dir.path()).string();
  auto expect_disk_full = [](const Result& r, const std::string& what) {
    EXPECT_EQ(r.rc, 1) << what << ": " << r.err;
    EXPECT_NE(r.err.find("disk full"), std::string::npos) << what << ": " << r.err;
  };
  // A run whose rows do not fit.
  Result run_full = run_with_file_limit({"run", "--model", "tiny", "--decode-steps", "200", "--repeat", "5",
                                         "--max-time", "0", "--hardware", spec, "--db", db},
                                        dir.path(), limit);
  expect_disk_full(run_full, "run");
  Result list = run({"runs", "list", "--db", db, "--json"}, dir.path());
  ASSERT_EQ(list.rc, 0) << list.err;
  auto runs = nlohmann::json::parse(list.out);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_FALSE(runs[0]["complete"].get<bool>());
  // A run that fits, then its export and trace past the limit.
  Result ok = run({"run", "--model", "tiny", "--decode-steps", "8", "--repeat", "3", "--max-time", "0", "--hardware",
                   spec, "--db", db},
                  dir.path());
  ASSERT_EQ(ok.rc, 0) << ok.err;
  std::ofstream(dir / "grid.json") << R"({"models": ["tiny"], "variants": ["vanilla", "looped", "clp", "plt"],
    "loops": [2, 3, 4], "windows": [4, 8], "batches": [1, 2, 4, 8, 16, 32], "contexts": [64, 128, 256, 512, 1024, 2048],
    "hardware": ["h200", "a100-80gb", "l40s", "h100-sxm"]})";
  const std::vector<std::pair<std::vector<std::string>, std::string>> writers = {
      {{"sweep", (dir / "grid.json").string(), "--no-progress", "--out", (dir / "grid.csv").string()}, "grid.csv"},
      {{"weights", "init", "--model", "small", "--out", (dir / "w.safetensors").string()}, "w.safetensors"},
      {{"generate", "--model", "small", "--batch", "4", "--prompt-len", "64", "--new-tokens", "64", "--dump",
        (dir / "d.safetensors").string()},
       "d.safetensors"},
      {{"runs", "export", "2", "--json", "-o", (dir / "e.json").string(), "--db", db}, "e.json"},
      {{"runs", "trace", "2", "-o", (dir / "t.json.gz").string(), "--db", db}, "t.json.gz"}};
  for (const auto& [args, file] : writers) {
    Result r = run_with_file_limit(args, dir.path(), file == "t.json.gz" || file == "e.json" ? 4096 : limit);
    expect_disk_full(r, args[0] + " " + args[1]);
    EXPECT_FALSE(fs::exists(dir / file)) << file << " was left behind";
  }
  for (const auto& e : fs::directory_iterator(dir.path()))
    EXPECT_NE(e.path().filename().string()[0], '.') << "a temporary file was left: " << e.path();
  Result again = run({"runs", "list", "--db", db, "--json"}, dir.path());
  ASSERT_EQ(again.rc, 0) << again.err;
  EXPECT_EQ(nlohmann::json::parse(again.out).size(), 2u);
}
