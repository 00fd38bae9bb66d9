// Sweeps in the store (schema version 2): a sweep round-trips with its points, is written all
// or nothing, and a version 1 store migrates without losing its rows.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "engine/core/error.hpp"
#include "store/schema.hpp"
#include "store/sqlite_handle.hpp"
#include "store/store.hpp"
#include "store/store_error.hpp"
#include "tests/store/sample_rows.hpp"
#include "tests/store/temp_dir.hpp"

using namespace looplab::store;
using looplab::testing::TempDir;

namespace {

SweepPointRow point(std::int64_t i) {
  SweepPointRow p;
  p.hardware = i % 2 == 0 ? "h200" : "a100-80gb";
  p.model = "small";
  p.variant = i % 3 == 0 ? "plt" : "looped";
  p.loops = 2 + i % 3;
  p.window = i % 3 == 0 ? 64 : 0;
  p.batch = 1 + i;
  p.context_len = 128 * (i + 1);
  p.dtype = "bf16";
  p.calibrated = i % 4 == 0;
  p.decode_step_s = 1.25e-4 * static_cast<double>(i + 1) + 1e-13;  // not a round binary number
  p.decode_flops_per_token = 3.5e9 + static_cast<double>(i);
  p.kv_bytes = (std::int64_t{1} << 33) + i;  // above 32 bits
  p.weight_bytes = 123456789 + i;
  p.memory_total_bytes = 987654321 + i;
  p.fits = i != 5;
  p.pareto = i % 2 == 1;
  p.feasible = p.fits && i != 3;
  p.best = i == 7;
  return p;
}

}  // namespace

TEST(StoreSweeps, RoundTripCountAndValues) {
  TempDir dir;
  std::vector<SweepPointRow> points;
  for (std::int64_t i = 0; i < 37; ++i) points.push_back(point(i));
  std::int64_t id = 0;
  {
    auto s = open_store(dir / "s.db", OpenMode::read_write);
    SweepInfo info;
    info.name = "ladder";
    info.engine_commit = "abc123";
    info.spec_json = R"({"models": ["small"]})";
    id = s->add_sweep(info, points);
    EXPECT_EQ(info.id, id);
    EXPECT_EQ(info.points, 37);
    EXPECT_FALSE(info.created_at.empty());
  }
  auto s = open_store(dir / "s.db", OpenMode::read_only);
  const auto all = s->sweeps();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].id, id);
  EXPECT_EQ(all[0].name, "ladder");
  EXPECT_EQ(all[0].engine_commit, "abc123");
  EXPECT_EQ(all[0].spec_json, R"({"models": ["small"]})");
  EXPECT_EQ(all[0].points, 37);
  const auto back = s->read_sweep_points(id);
  ASSERT_EQ(back.size(), points.size());
  for (std::size_t i = 0; i < points.size(); ++i) EXPECT_EQ(back[i], points[i]) << "point " << i;
  EXPECT_TRUE(s->read_sweep_points(id + 1).empty());
}

// A sweep that cannot be written in full leaves neither its sweeps row nor any of its points.
TEST(StoreSweeps, AllOrNothing) {
  TempDir dir;
  StoreOptions opt;
  opt.max_pages = 40;  // ~160 KiB: the schema fits, 20000 points do not
  auto s = open_store(dir / "full.db", OpenMode::read_write, opt);
  std::vector<SweepPointRow> points;
  for (std::int64_t i = 0; i < 20000; ++i) points.push_back(point(i));
  SweepInfo info;
  info.name = "too big";
  EXPECT_THROW(s->add_sweep(info, points), StoreError);
  EXPECT_TRUE(s->sweeps().empty());
  Database db((dir / "full.db").string(), SQLITE_OPEN_READONLY);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM sweep_points"), 0);
}

// A file written by the version 1 schema opens for writing as version 2 with its runs intact.
TEST(StoreSweeps, VersionOneStoreMigrates) {
  TempDir dir;
  const auto file = (dir / "v1.db").string();
  {
    Database db(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    apply_migrations(db, migrations().first(1));
    ASSERT_EQ(db.query_int("PRAGMA user_version"), 1);
  }
  looplab::store::RunId run = 0;
  {
    // Fill it as a version 1 binary would: through the same tables.
    Database db(file, SQLITE_OPEN_READWRITE);
    db.exec("INSERT INTO hardware (name, spec_json, created_at) VALUES ('host', '{}', '2026-01-01T00:00:00Z')");
    EXPECT_EQ(db.query_int("SELECT count(*) FROM sqlite_schema WHERE name = 'sweeps'"), 0);
  }
  // Read-only access does not migrate: it says what to do.
  EXPECT_THROW(open_store(file, OpenMode::read_only), looplab::InputError);
  {
    auto s = open_store(file, OpenMode::read_write);
    ASSERT_EQ(s->hardware().size(), 1u);
    EXPECT_EQ(s->hardware()[0].name, "host");
    auto info = looplab::testing::sample_run("after migration");
    run = s->begin_run(info);
    SweepInfo sw;
    sw.name = "after migration";
    s->add_sweep(sw, {point(1), point(2)});
  }
  Database db(file, SQLITE_OPEN_READONLY);
  EXPECT_EQ(db.query_int("PRAGMA user_version"), kSchemaVersion);
  EXPECT_EQ(kSchemaVersion, 4);
  EXPECT_EQ(db.query_int("PRAGMA application_id"), kApplicationId);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM sweep_points"), 2);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM runs WHERE id = " + std::to_string(run)), 1);
}

// Schema 4 adds a point's feasibility: a sweep stored before constraints existed had one, fitting
// the device, so its points come back feasible exactly when they fit.
TEST(StoreSweeps, VersionThreeSweepsGetFeasibilityFromFits) {
  TempDir dir;
  const auto file = (dir / "v3.db").string();
  {
    Database db(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    apply_migrations(db, migrations().first(3));
    ASSERT_EQ(db.query_int("PRAGMA user_version"), 3);
    db.exec(
        "INSERT INTO sweeps (name, created_at, engine_commit, spec_json, points) VALUES ('old', "
        "'2026-11-01T00:00:00Z', 'abc', '{}', 2)");
    for (int i = 0; i < 2; ++i)
      db.exec(
          "INSERT INTO sweep_points (sweep_id, point_index, hardware, model, variant, loops, window_len, batch, "
          "context_len, dtype, calibrated, decode_step_s, decode_flops_per_token, kv_bytes, weight_bytes, "
          "memory_total_bytes, fits, pareto) VALUES (1, " +
          std::to_string(i) + ", 'h200', 'small', 'plt', 2, 64, 1, 128, 'bf16', 0, 1e-4, 1e9, 10, 20, 30, " +
          std::to_string(i) + ", 0)");
  }
  auto s = open_store(file, OpenMode::read_write);
  const auto pts = s->read_sweep_points(1);
  ASSERT_EQ(pts.size(), 2u);
  EXPECT_FALSE(pts[0].feasible);  // out of memory
  EXPECT_TRUE(pts[1].feasible);
  EXPECT_FALSE(pts[1].best);
}
