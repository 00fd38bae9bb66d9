// Writes every kind of row and reads it back field for field; checks run status handling and the
// Nsight Systems names that let nsys SQL recipes run on a looplab store.
#include <gtest/gtest.h>

#include "store/schema.hpp"
#include "store/sqlite_handle.hpp"
#include "store/store.hpp"
#include "store/store_error.hpp"
#include "tests/store/sample_rows.hpp"
#include "tests/store/temp_dir.hpp"

using namespace looplab;
using namespace looplab::store;
using looplab::testing::TempDir;

namespace {

RunRows full_rows() {
  RunRows rows;
  rows.steps.push_back({0, 0, "prefill", 3, 17, 100, 9000, 250});
  rows.steps.push_back({0, 1, "decode", 3, 18, 9100, 12000, -40});
  rows.ops.push_back(looplab::testing::sample_op(0, 0, 0));
  rows.ops.push_back(looplab::testing::sample_op(0, 0, 1));
  rows.ops.back().device_ns = 321;
  rows.ops.back().kernels = 2;
  rows.predictions.push_back({0, 0, "embed", "embed", 1.5e-6, 2e3, 4e3, "memory"});
  rows.predictions.push_back({1, 1, "layer0.loops1-2.qkv_proj", "qkv_proj", 2.5e-6, 3e6, 5e5, "compute"});
  KernelRow k;
  k.start = 1100;
  k.end = 1900;
  k.device_id = 1;
  k.context_id = 2;
  k.stream_id = 7;
  k.correlation_id = 55;
  k.name = "void gemm<float>(float const*, int)";
  k.short_name = "gemm";
  k.mangled_name = "_Z4gemmIfEvPKfi";
  k.grid_x = 4;
  k.grid_y = 5;
  k.grid_z = 6;
  k.block_x = 128;
  k.block_y = 2;
  k.block_z = 1;
  k.registers_per_thread = 40;
  k.static_shared_memory = 1024;
  k.dynamic_shared_memory = 2048;
  k.local_memory_per_thread = 8;
  k.local_memory_total = 4096;
  k.grid_id = 99;
  k.launch_type = 1;
  k.graph_node_id = 12;
  k.graph_id = 3;
  k.cache_config = 2;
  k.shared_memory_executed = 65536;
  k.repeat_index = 0;
  k.step_index = 0;
  k.op_index = 1;
  rows.kernels.push_back(k);
  KernelRow stray = k;  // a kernel outside any plan op keeps NULL attribution
  stray.start = 20000;
  stray.end = 20010;
  stray.correlation_id = 56;
  stray.repeat_index.reset();
  stray.step_index.reset();
  stray.op_index.reset();
  rows.kernels.push_back(stray);
  rows.api_calls.push_back({1000, 1050, 1, (1234LL << 24) + 1240, 55, "cudaLaunchKernel", 0, 0});
  rows.memcpys.push_back({2000, 2100, 1, 2, 7, 57, 4096, 1, 1, 3, 0});
  rows.memsets.push_back({2200, 2250, 1, 2, 7, 58, 512, 0, 3, 0});
  rows.syncs.push_back({2300, 2400, 2, 7, 59, 3, 0, 0});
  rows.nvtx.push_back({1000, 2000, 59, 0, "layer0.loop1.qkv_proj", "looplab", (1234LL << 24) + 1240, 0});
  rows.overheads.push_back({3000, 3100, "CUPTI buffer flush", (1234LL << 24) + 1240, 0});
  return rows;
}

}  // namespace

TEST(StoreRoundTrip, EveryFieldComesBack) {
  TempDir dir;
  auto store = open_store(dir / "a.db", OpenMode::read_write);
  RunInfo info = looplab::testing::sample_run();
  RunId id = store->begin_run(info);
  EXPECT_EQ(id, info.id);
  EXPECT_FALSE(info.created_at.empty());
  RunRows rows = full_rows();
  store->append(id, rows);
  RunStats stats;
  stats.prefill = {1e-3, 0.9e-3, 1.2e-3, 0.8e-3, 1.3e-3, 3e-5, 4, 0, "noisy"};
  stats.decode = {2e-4, 1.9e-4, 2.1e-4, 1.8e-4, 2.5e-4, 1e-6, 20, 2, "quiet"};
  stats.predicted_prefill_s = 9e-4;
  stats.predicted_decode_s = 2.1e-4;
  stats.verdict = "noisy";
  stats.verdict_reason = "prefill: 4 samples";
  looplab::testing::finish(*store, id, RunStatus::complete, stats);

  auto back = store->get_run(id);
  ASSERT_TRUE(back);
  RunInfo expect = info;
  expect.status = RunStatus::complete;
  expect.complete = true;
  expect.stats = stats;
  expect.finished_at = back->finished_at;
  EXPECT_FALSE(back->finished_at.empty());
  EXPECT_EQ(*back, expect);

  RunRows read = store->read_rows(id);
  EXPECT_EQ(read.steps, rows.steps);
  EXPECT_EQ(read.ops, rows.ops);
  EXPECT_EQ(read.predictions, rows.predictions);
  EXPECT_EQ(read.kernels, rows.kernels);
  EXPECT_EQ(read.api_calls, rows.api_calls);
  EXPECT_EQ(read.memcpys, rows.memcpys);
  EXPECT_EQ(read.memsets, rows.memsets);
  EXPECT_EQ(read.syncs, rows.syncs);
  EXPECT_EQ(read.nvtx, rows.nvtx);
  EXPECT_EQ(read.overheads, rows.overheads);
}

TEST(StoreRoundTrip, ListsNewestFirstWithStatusAndCounts) {
  TempDir dir;
  auto store = open_store(dir / "a.db", OpenMode::read_write);
  RunInfo a = looplab::testing::sample_run("first"), b = looplab::testing::sample_run("second");
  RunId ia = store->begin_run(a);
  store->append(ia, full_rows());
  looplab::testing::finish(*store, ia, RunStatus::complete, {}, 3);
  RunId ib = store->begin_run(b);
  looplab::testing::finish(*store, ib, RunStatus::interrupted, {}, 0, "interrupted by Ctrl-C after 2 of 4 repeats");
  auto runs = store->list_runs();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].info.id, ib);
  EXPECT_EQ(runs[0].info.status, RunStatus::interrupted);
  EXPECT_FALSE(runs[0].info.complete);
  EXPECT_EQ(runs[0].info.error, "interrupted by Ctrl-C after 2 of 4 repeats");
  EXPECT_EQ(runs[0].op_rows, 0);
  EXPECT_EQ(runs[1].info.id, ia);
  EXPECT_TRUE(runs[1].info.complete);
  EXPECT_EQ(runs[1].info.dropped_records, 3);
  EXPECT_EQ(runs[1].op_rows, 2);
  EXPECT_EQ(runs[1].kernel_rows, 2);
  // Both runs used the same spec: one hardware row.
  EXPECT_EQ(store->hardware().size(), 1u);
  EXPECT_FALSE(store->get_run(ib + 100));
}

TEST(StoreRoundTrip, AppendToMissingRunFailsAndWritesNothing) {
  TempDir dir;
  auto store = open_store(dir / "a.db", OpenMode::read_write);
  EXPECT_THROW(store->append(42, full_rows()), StoreError);
  RunInfo missing = looplab::testing::sample_run();
  missing.id = 42;
  EXPECT_THROW(store->finish_run(missing), StoreError);
  EXPECT_TRUE(store->read_rows(42).empty());
}

TEST(StoreRoundTrip, CalibrationsKeepTheirHardware) {
  TempDir dir;
  auto store = open_store(dir / "a.db", OpenMode::read_write);
  CalibrationRow c;
  c.hardware = "host";
  c.method = "calibrate-host";
  c.params_json = R"({"gemm_efficiency":0.61})";
  store->add_calibration(c, R"({"name":"host"})");
  auto all = store->calibrations();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].id, c.id);
  EXPECT_EQ(all[0].hardware, "host");
  EXPECT_EQ(all[0].method, "calibrate-host");
  EXPECT_EQ(all[0].params_json, c.params_json);
  EXPECT_FALSE(all[0].source_run);
  EXPECT_FALSE(all[0].created_at.empty());
  // The same spec again is the same row; another spec is a new one.
  std::int64_t same = store->put_hardware(looplab::testing::hardware_row("host", R"({"name":"host"})"));
  std::int64_t other = store->put_hardware(looplab::testing::hardware_row("host", R"({"name":"host","v":2})"));
  EXPECT_NE(same, other);
  auto hw = store->hardware();
  ASSERT_EQ(hw.size(), 2u);
  EXPECT_EQ(hw[0].id, same);
  EXPECT_EQ(hw[1].spec_json, R"({"name":"host","v":2})");
}

// The schema marks the file as ours, uses WAL, and an Nsight Systems recipe (launch -> kernel
// through correlationId, names through StringIds) runs unchanged.
TEST(StoreSchema, NsightNamesAndRecipesWork) {
  TempDir dir;
  {
    auto store = open_store(dir / "a.db", OpenMode::read_write);
    RunInfo info = looplab::testing::sample_run();
    store->append(store->begin_run(info), full_rows());
  }
  Database db((dir / "a.db").string(), 0x00000002 /* SQLITE_OPEN_READWRITE */);
  EXPECT_EQ(db.query_int("PRAGMA application_id"), kApplicationId);
  EXPECT_EQ(db.query_int("PRAGMA user_version"), kSchemaVersion);
  Statement mode(db, "PRAGMA journal_mode");
  ASSERT_TRUE(mode.step());
  EXPECT_EQ(mode.text(0), "wal");
  Statement recipe(db, R"sql(
    SELECT r.start, k.start - r.start, s.value, n.value FROM CUPTI_ACTIVITY_KIND_RUNTIME r
      JOIN CUPTI_ACTIVITY_KIND_KERNEL k ON k.correlationId = r.correlationId
      JOIN StringIds s ON s.id = k.shortName JOIN StringIds n ON n.id = r.nameId)sql");
  ASSERT_TRUE(recipe.step());
  EXPECT_EQ(recipe.int64(0), 1000);
  EXPECT_EQ(recipe.int64(1), 100);
  EXPECT_EQ(recipe.text(2), "gemm");
  EXPECT_EQ(recipe.text(3), "cudaLaunchKernel");
  EXPECT_FALSE(recipe.step());
  // NVTX_EVENTS with the push/pop event type nsys uses (59), text inline and through textId.
  Statement nvtx(db, "SELECT e.eventType, e.text, s.value FROM NVTX_EVENTS e JOIN StringIds s ON s.id = e.textId");
  ASSERT_TRUE(nvtx.step());
  EXPECT_EQ(nvtx.int64(0), 59);
  EXPECT_EQ(nvtx.text(1), "layer0.loop1.qkv_proj");
  EXPECT_EQ(nvtx.text(2), "layer0.loop1.qkv_proj");
}
