// The schema: a new store is created from the table descriptions (store/tables.hpp); an older one
// is migrated step by step. Versions 1 and 2 are kept here as the SQL they were, so that old files
// upgrade exactly; version 3 and later bring every table up to its description (new tables
// created, new columns added), so a migrated store and a new one have the same columns.
#include "store/schema.hpp"

#include <sqlite3.h>

#include <set>

#include "engine/core/error.hpp"
#include "store/store_error.hpp"
#include "store/tables.hpp"

namespace looplab::store {

namespace {

// Historic schema, version 1 (as released; do not edit).
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE StringIds (id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE);

CREATE TABLE hardware (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  spec_json TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (name, spec_json));

CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  created_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'interrupted', 'failed')),
  complete INTEGER NOT NULL DEFAULT 0 CHECK (complete = (status = 'complete')),
  label TEXT NOT NULL,
  model TEXT NOT NULL,
  variant TEXT NOT NULL,
  loops INTEGER NOT NULL,
  config_json TEXT NOT NULL,
  batch INTEGER NOT NULL,
  prompt_len INTEGER NOT NULL,
  decode_steps INTEGER NOT NULL,
  warmup INTEGER NOT NULL,
  repeats INTEGER NOT NULL,
  backend TEXT NOT NULL,
  tracer TEXT NOT NULL,
  hardware_id INTEGER REFERENCES hardware (id),
  device_name TEXT NOT NULL,
  driver_version TEXT NOT NULL,
  cuda_version TEXT NOT NULL,
  engine_commit TEXT NOT NULL,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  seed INTEGER NOT NULL,
  threads INTEGER NOT NULL,
  dropped_records INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '',
  prefill_median_s REAL,
  decode_median_s REAL,
  decode_p10_s REAL,
  decode_p90_s REAL,
  predicted_prefill_s REAL,
  predicted_decode_s REAL);

CREATE TABLE steps (
  run_id INTEGER NOT NULL REFERENCES runs (id),
  repeat_index INTEGER NOT NULL,
  step_index INTEGER NOT NULL,
  phase TEXT NOT NULL,
  batch INTEGER NOT NULL,
  context_len INTEGER NOT NULL,
  start_ns INTEGER NOT NULL,
  end_ns INTEGER NOT NULL,
  PRIMARY KEY (run_id, repeat_index, step_index)) WITHOUT ROWID;

CREATE TABLE op_measurements (
  run_id INTEGER NOT NULL REFERENCES runs (id),
  repeat_index INTEGER NOT NULL,
  step_index INTEGER NOT NULL,
  op_index INTEGER NOT NULL,
  name_id INTEGER NOT NULL REFERENCES StringIds (id),
  kind TEXT NOT NULL,
  layer INTEGER NOT NULL,
  loop_lo INTEGER NOT NULL,
  loop_hi INTEGER NOT NULL,
  pass INTEGER NOT NULL,
  rows INTEGER NOT NULL,
  n INTEGER NOT NULL,
  k INTEGER NOT NULL,
  kv_len INTEGER NOT NULL,
  start_ns INTEGER NOT NULL,
  end_ns INTEGER NOT NULL,
  device_ns INTEGER,
  kernels INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, repeat_index, step_index, op_index)) WITHOUT ROWID;

CREATE TABLE predictions (
  run_id INTEGER NOT NULL REFERENCES runs (id),
  step_index INTEGER NOT NULL,
  op_index INTEGER NOT NULL,
  name_id INTEGER NOT NULL REFERENCES StringIds (id),
  kind TEXT NOT NULL,
  time_s REAL NOT NULL,
  flops REAL NOT NULL,
  bytes REAL NOT NULL,
  bound TEXT NOT NULL,
  PRIMARY KEY (run_id, step_index, op_index)) WITHOUT ROWID;

CREATE TABLE calibrations (
  id INTEGER PRIMARY KEY,
  hardware_id INTEGER NOT NULL REFERENCES hardware (id),
  created_at TEXT NOT NULL,
  method TEXT NOT NULL,
  params_json TEXT NOT NULL,
  source_run_id INTEGER REFERENCES runs (id));

CREATE TABLE CUPTI_ACTIVITY_KIND_KERNEL (
  start INTEGER NOT NULL,
  end INTEGER NOT NULL,
  deviceId INTEGER NOT NULL,
  contextId INTEGER NOT NULL,
  streamId INTEGER NOT NULL,
  correlationId INTEGER,
  globalPid INTEGER,
  demangledName INTEGER NOT NULL REFERENCES StringIds (id),
  shortName INTEGER NOT NULL REFERENCES StringIds (id),
  mangledName INTEGER REFERENCES StringIds (id),
  launchType INTEGER,
  cacheConfig INTEGER,
  registersPerThread INTEGER NOT NULL,
  gridX INTEGER NOT NULL,
  gridY INTEGER NOT NULL,
  gridZ INTEGER NOT NULL,
  blockX INTEGER NOT NULL,
  blockY INTEGER NOT NULL,
  blockZ INTEGER NOT NULL,
  staticSharedMemory INTEGER NOT NULL,
  dynamicSharedMemory INTEGER NOT NULL,
  localMemoryPerThread INTEGER NOT NULL,
  localMemoryTotal INTEGER NOT NULL,
  gridId INTEGER NOT NULL,
  sharedMemoryExecuted INTEGER,
  graphNodeId INTEGER,
  graphId INTEGER,
  runId INTEGER NOT NULL REFERENCES runs (id),
  repeatIndex INTEGER,
  stepIndex INTEGER,
  opIndex INTEGER);
CREATE INDEX kernel_by_run ON CUPTI_ACTIVITY_KIND_KERNEL (runId, start);

CREATE TABLE CUPTI_ACTIVITY_KIND_RUNTIME (
  start INTEGER NOT NULL,
  end INTEGER NOT NULL,
  eventClass INTEGER NOT NULL,
  globalTid INTEGER,
  correlationId INTEGER,
  nameId INTEGER NOT NULL REFERENCES StringIds (id),
  returnValue INTEGER NOT NULL,
  callchainId INTEGER,
  runId INTEGER NOT NULL REFERENCES runs (id),
  repeatIndex INTEGER);
CREATE INDEX runtime_by_run ON CUPTI_ACTIVITY_KIND_RUNTIME (runId, start);

CREATE TABLE CUPTI_ACTIVITY_KIND_MEMCPY (
  start INTEGER NOT NULL,
  end INTEGER NOT NULL,
  deviceId INTEGER NOT NULL,
  contextId INTEGER NOT NULL,
  streamId INTEGER NOT NULL,
  correlationId INTEGER,
  globalPid INTEGER,
  bytes INTEGER NOT NULL,
  copyKind INTEGER NOT NULL,
  srcKind INTEGER,
  dstKind INTEGER,
  runId INTEGER NOT NULL REFERENCES runs (id),
  repeatIndex INTEGER);

CREATE TABLE CUPTI_ACTIVITY_KIND_MEMSET (
  start INTEGER NOT NULL,
  end INTEGER NOT NULL,
  deviceId INTEGER NOT NULL,
  contextId INTEGER NOT NULL,
  streamId INTEGER NOT NULL,
  correlationId INTEGER,
  globalPid INTEGER,
  value INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  memKind INTEGER,
  runId INTEGER NOT NULL REFERENCES runs (id),
  repeatIndex INTEGER);

CREATE TABLE CUPTI_ACTIVITY_KIND_SYNCHRONIZATION (
  start INTEGER NOT NULL,
  end INTEGER NOT NULL,
  deviceId INTEGER,
  contextId INTEGER NOT NULL,
  streamId INTEGER NOT NULL,
  correlationId INTEGER,
  globalPid INTEGER,
  syncType INTEGER NOT NULL,
  eventId INTEGER NOT NULL,
  runId INTEGER NOT NULL REFERENCES runs (id),
  repeatIndex INTEGER);

CREATE TABLE NVTX_EVENTS (
  start INTEGER NOT NULL,
  end INTEGER,
  eventType INTEGER NOT NULL,
  rangeId INTEGER,
  category INTEGER,
  color INTEGER,
  text TEXT,
  globalTid INTEGER,
  endGlobalTid INTEGER,
  textId INTEGER REFERENCES StringIds (id),
  domainId INTEGER,
  runId INTEGER NOT NULL REFERENCES runs (id),
  repeatIndex INTEGER);

CREATE TABLE PROFILER_OVERHEAD (
  start INTEGER NOT NULL,
  end INTEGER NOT NULL,
  globalTid INTEGER,
  nameId INTEGER NOT NULL REFERENCES StringIds (id),
  runId INTEGER NOT NULL REFERENCES runs (id),
  repeatIndex INTEGER);
)sql";

// Historic schema, version 2 (as released; do not edit): sweeps of predicted configurations (`looplab sweep --db`). A
// sweep and all its points are written in one transaction, so a sweep row always has every point it counts.
constexpr std::string_view kSchemaV2 = R"sql(
CREATE TABLE sweeps (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  engine_commit TEXT NOT NULL,
  spec_json TEXT NOT NULL,
  points INTEGER NOT NULL);

CREATE TABLE sweep_points (
  sweep_id INTEGER NOT NULL REFERENCES sweeps (id),
  point_index INTEGER NOT NULL,
  hardware TEXT NOT NULL,
  model TEXT NOT NULL,
  variant TEXT NOT NULL,
  loops INTEGER NOT NULL,
  window_len INTEGER NOT NULL,
  batch INTEGER NOT NULL,
  context_len INTEGER NOT NULL,
  dtype TEXT NOT NULL,
  calibrated INTEGER NOT NULL,
  decode_step_s REAL NOT NULL,
  decode_flops_per_token REAL NOT NULL,
  kv_bytes INTEGER NOT NULL,
  weight_bytes INTEGER NOT NULL,
  memory_total_bytes INTEGER NOT NULL,
  fits INTEGER NOT NULL,
  pareto INTEGER NOT NULL,
  PRIMARY KEY (sweep_id, point_index)) WITHOUT ROWID;
)sql";

std::set<std::string> existing_columns(Database& db, std::string_view table) {
  std::set<std::string> out;
  Statement st(db, "SELECT name FROM pragma_table_info(?)");
  st.bind(1, table);
  while (st.step()) out.insert(st.text(0));
  return out;
}

// Versions 3 and 4 (4: a run's branch and KV bytes). Version 3: statistics, machine state and the measurement policy of
// a run; unattributed time per step; the quality of measured hardware specs. Generic: whatever the descriptions hold
// that the file lacks is added.
void upgrade_to_descriptions(Database& db) {
  tables::for_each_table([&](const auto& t) {
    const std::set<std::string> have = existing_columns(db, t.name);
    if (have.empty()) {
      db.exec(table::create_sql(t));
      return;
    }
    for (const table::ColumnDecl& c : table::column_decls(t))
      if (!have.count(c.name)) db.exec("ALTER TABLE " + std::string(t.name) + " ADD COLUMN " + c.name + " " + c.decl);
  });
}

// Version 4: a run's branch and KV bytes; a sweep point's feasibility and objective flag. A sweep
// stored before constraints existed had one: fitting the device.
void upgrade_to_v4(Database& db) {
  upgrade_to_descriptions(db);
  db.exec("UPDATE sweep_points SET feasible = fits");
}

constexpr Migration kMigrations[] = {
    {1, kSchemaV1, nullptr}, {2, kSchemaV2, nullptr}, {3, {}, upgrade_to_descriptions}, {4, {}, upgrade_to_v4}};

[[noreturn]] void refuse(const Database& db, const std::string& problem) {
  throw InputError("db", db.path() + " " + problem);
}

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

std::string current_schema_sql() {
  std::string sql(tables::kStringIds);
  tables::for_each_table([&](const auto& t) { sql += table::create_sql(t); });
  return sql;
}

void create_current_schema(Database& db) {
  Transaction tx(db);
  if (db.query_int("PRAGMA user_version") != 0) return;  // another process got here first
  db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
  db.exec(current_schema_sql());
  db.exec("PRAGMA user_version = " + std::to_string(kSchemaVersion));
  tx.commit();
}

void apply_migrations(Database& db, std::span<const Migration> steps) {
  for (const Migration& m : steps) {
    Transaction tx(db);
    std::int64_t current = db.query_int("PRAGMA user_version");
    if (m.to_version <= current) continue;  // another process got here first
    if (m.to_version != current + 1)
      throw StoreError(StoreFault::io, db.path() + ": no migration from schema " + std::to_string(current) + " to " +
                                           std::to_string(m.to_version));
    if (current == 0) db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
    if (m.run)
      m.run(db);
    else
      db.exec(m.sql);
    db.exec("PRAGMA user_version = " + std::to_string(m.to_version));
    tx.commit();
  }
}

void ensure_schema(Database& db, SchemaAccess access) {
  std::int64_t app_id = 0, version = 0, tables = 0;
  try {
    // One statement, one snapshot: another process may be creating the schema right now, and
    // separate reads could see its application_id before and its tables after the commit.
    // A file that is not SQLite fails here with SQLITE_NOTADB.
    Statement st(db,
                 "SELECT (SELECT application_id FROM pragma_application_id()), "
                 "(SELECT user_version FROM pragma_user_version()), "
                 "(SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%')");
    if (st.step()) {
      app_id = st.int64(0);
      version = st.int64(1);
      tables = st.int64(2);
    }
  } catch (const StoreError& e) {
    if (e.fault() == StoreFault::corrupt)
      refuse(db,
             "is not a looplab store: it is not a SQLite database, or it is corrupt (" + std::string(e.what()) + ")");
    throw;
  }
  bool empty = app_id == 0 && version == 0 && tables == 0;
  if (!empty && app_id != kApplicationId)
    refuse(db, "is not a looplab store (a SQLite file with application_id " + std::to_string(app_id) + " and " +
                   std::to_string(tables) + " table(s)); use another --db file");
  if (version > kSchemaVersion)
    refuse(db, "was written by a newer looplab (store schema " + std::to_string(version) +
                   "; this binary understands up to " + std::to_string(kSchemaVersion) + "): upgrade looplab");
  if (version < kSchemaVersion) {
    if (access == SchemaAccess::read_only) {
      if (empty) refuse(db, "is an empty file, not a looplab store");
      refuse(db, "uses store schema " + std::to_string(version) + " and needs a migration to " +
                     std::to_string(kSchemaVersion) + ": open it once for writing (for example with `looplab run`)");
    }
    if (empty)
      create_current_schema(db);
    else
      apply_migrations(db, migrations());
  }
  try {
    // A damaged schema page passes the header checks; reading sqlite_schema in full catches it.
    db.query_int("SELECT count(*) FROM runs");
  } catch (const StoreError& e) {
    if (e.fault() == StoreFault::corrupt) refuse(db, "is corrupt (" + std::string(e.what()) + ")");
    throw;
  }
}

}  // namespace looplab::store
