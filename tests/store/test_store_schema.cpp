// The schema generated from the table descriptions: the SQL it writes (by hand for one table),
// a new store and one migrated from schema 1 hold the same columns, and an old run reads back
// with the new fields empty.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <map>
#include <tuple>

#include "store/schema.hpp"
#include "store/store.hpp"
#include "store/tables.hpp"
#include "tests/store/temp_dir.hpp"

using namespace looplab::store;
using looplab::testing::TempDir;

namespace {

// table -> column -> (declared type, not null)
using Columns = std::map<std::string, std::map<std::string, std::tuple<std::string, bool>>>;

Columns columns_of(const std::filesystem::path& file) {
  Database db(file.string(), SQLITE_OPEN_READONLY);
  Columns out;
  Statement tables(db, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name");
  while (tables.step()) {
    const std::string t = tables.text(0);
    Statement cols(db, "SELECT name, type, \"notnull\" FROM pragma_table_info(?)");
    cols.bind(1, std::string_view(t));
    while (cols.step()) out[t][cols.text(0)] = {cols.text(1), cols.int64(2) != 0};
  }
  return out;
}

}  // namespace

TEST(StoreSchema, GeneratedSqlForTheStepsTable) {
  EXPECT_EQ(table::create_sql(tables::kSteps),
            "CREATE TABLE steps (\n"
            "  run_id INTEGER NOT NULL REFERENCES runs (id),\n"
            "  repeat_index INTEGER NOT NULL,\n"
            "  step_index INTEGER NOT NULL,\n"
            "  phase TEXT NOT NULL,\n"
            "  batch INTEGER NOT NULL,\n"
            "  context_len INTEGER NOT NULL,\n"
            "  start_ns INTEGER NOT NULL,\n"
            "  end_ns INTEGER NOT NULL,\n"
            "  unattributed_ns INTEGER NOT NULL,\n"
            "  PRIMARY KEY (run_id, repeat_index, step_index)) WITHOUT ROWID;\n");
  EXPECT_EQ(table::insert_sql(tables::kSteps),
            "INSERT INTO steps (run_id, repeat_index, step_index, phase, batch, context_len, start_ns, end_ns, "
            "unattributed_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  EXPECT_EQ(table::select_list(tables::kSteps),
            "steps.repeat_index, steps.step_index, steps.phase, steps.batch, steps.context_len, steps.start_ns, "
            "steps.end_ns, steps.unattributed_ns");
  // Interned strings go through StringIds; assigned ids are never written; the finishing UPDATE
  // writes the time and the status columns.
  EXPECT_NE(table::select_list(tables::kOps).find("(SELECT value FROM StringIds WHERE id = op_measurements.name_id)"),
            std::string::npos);
  const std::string runs_insert = table::insert_sql(tables::kRuns);
  EXPECT_EQ(runs_insert.find(" id,"), std::string::npos) << runs_insert;
  EXPECT_EQ(runs_insert.find("finished_at"), std::string::npos) << runs_insert;
  const std::string finish = table::finish_sql(tables::kRuns, "id = ?");
  EXPECT_NE(finish.find("finished_at = strftime("), std::string::npos) << finish;
  EXPECT_NE(finish.find("decode_verdict = ?"), std::string::npos) << finish;
  EXPECT_EQ(finish.find("label = ?"), std::string::npos) << finish;
  // NOT NULL columns added to an old table get a default.
  for (const auto& c : table::column_decls(tables::kSteps)) {
    if (c.name == "unattributed_ns") {
      EXPECT_EQ(c.decl, "INTEGER NOT NULL DEFAULT 0");
    }
  }
}

TEST(StoreSchema, NewAndMigratedStoresHaveTheSameColumns) {
  TempDir dir;
  open_store(dir / "new.db", OpenMode::read_write);
  {
    // A store as looplab 0.1 wrote it: schema 1, with one finished run.
    Database db((dir / "old.db").string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    apply_migrations(db, migrations().first(1));
    db.exec(
        "INSERT INTO runs (created_at, status, complete, label, model, variant, loops, config_json, batch, "
        "prompt_len, decode_steps, warmup, repeats, backend, tracer, device_name, driver_version, cuda_version, "
        "engine_commit, host, pid, seed, threads, decode_median_s) VALUES ('2025-11-01T00:00:00Z', 'complete', 1, "
        "'old', 'tiny', 'plt', 2, '{}', 1, 8, 4, 1, 3, 'cpu', 'host', 'cpu', '', '', 'abc', 'h', 1, 1, 2, 0.004)");
    EXPECT_EQ(db.query_int("PRAGMA user_version"), 1);
  }
  auto migrated = open_store(dir / "old.db", OpenMode::read_write);
  EXPECT_EQ(columns_of(dir / "new.db"), columns_of(dir / "old.db"));
  auto run = migrated->get_run(1);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->label, "old");
  EXPECT_DOUBLE_EQ(run->stats.decode.median_s.value_or(0), 0.004);
  EXPECT_EQ(run->stats.verdict, "");  // measured before verdicts: none, not a made-up one
  EXPECT_EQ(run->stats.decode.samples, 0);
  EXPECT_FALSE(run->machine.others_cpu_s);
  EXPECT_FALSE(run->kv_bytes);  // not measured then: unknown, not zero
  EXPECT_EQ(run->branch, "");
  Database check((dir / "old.db").string(), SQLITE_OPEN_READONLY);
  EXPECT_EQ(check.query_int("PRAGMA user_version"), kSchemaVersion);
}

TEST(StoreSchema, EveryFieldOfARunRoundTrips) {
  TempDir dir;
  auto s = open_store(dir / "r.db", OpenMode::read_write);
  RunInfo info;
  info.label = "x";
  info.model = "tiny";
  info.variant = "plt";
  info.config_json = "{}";
  info.policy = {5, 1.5, 10, 0.02, ""};
  info.machine = {0.5, std::nullopt, std::nullopt, std::nullopt,  std::nullopt,
                  2,   "0-1",        "0-1",        "performance", "one thread per pinned CPU"};
  info.branch = "main";
  info.kv_bytes = 123456789012;  // above 2^32: stored as a 64-bit integer
  s->begin_run(info);
  info.status = RunStatus::complete;
  info.repeats = 7;
  info.policy.stop_reason = "done";
  info.lost_attributions = 3;
  info.machine.load_after = 0.7;
  info.machine.others_cpu_s = 0.1;
  info.machine.steal_fraction = 0.01;
  info.machine.window_s = 4;
  info.stats.decode = {1e-3, 0.9e-3, 1.1e-3, 0.8e-3, 1.3e-3, 2e-5, 112, 3, "noisy"};
  info.stats.prefill = {5e-3, 4.9e-3, 5.1e-3, 4.8e-3, 5.3e-3, 1e-4, 7, 0, "quiet"};
  info.stats.predicted_decode_s = 1.2e-3;
  info.stats.verdict = "noisy";
  info.stats.verdict_reason = "decode: 95% interval +-10.0% of the median";
  s->finish_run(info);
  auto back = s->get_run(info.id);
  ASSERT_TRUE(back);
  RunInfo expected = info;
  expected.complete = true;
  expected.created_at = back->created_at;
  expected.finished_at = back->finished_at;
  EXPECT_FALSE(back->finished_at.empty());
  EXPECT_EQ(*back, expected);
}
