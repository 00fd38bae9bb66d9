// The SQLite implementation of Store: one connection, WAL, a busy timeout, and every write in
// one BEGIN IMMEDIATE transaction. Several processes may write the same file at once.
#pragma once
#include <string>

#include "store/sqlite_handle.hpp"
#include "store/store.hpp"

namespace looplab::store {

class SqliteStore final : public Store {
 public:
  // Takes an open database whose schema ensure_schema() has checked.
  explicit SqliteStore(Database db);

  RunId begin_run(RunInfo& info) override;
  void append(RunId run, const RunRows& rows) override;
  void finish_run(const RunInfo& info) override;
  RunId import_run(const RunInfo& info, const RunRows& rows) override;
  std::int64_t add_calibration(CalibrationRow& row, const std::string& hardware_json) override;
  std::int64_t put_hardware(const HardwareRow& row) override;
  bool remove_hardware(std::int64_t id) override;
  std::int64_t add_sweep(SweepInfo& sweep, const std::vector<SweepPointRow>& points) override;
  std::int64_t delete_runs(const std::vector<RunId>& runs) override;
  void compact() override;

  std::vector<RunSummary> list_runs() override;
  std::optional<RunInfo> get_run(RunId run) override;
  RunRows read_rows(RunId run) override;
  void for_each_step(RunId run, const std::function<void(const StepRow&)>& fn) override;
  void for_each_op(RunId run, const std::function<void(const OpRow&)>& fn) override;
  void for_each_prediction(RunId run, const std::function<void(const PredictionRow&)>& fn) override;
  void for_each_kernel(RunId run, const std::function<void(const KernelRow&)>& fn) override;
  void for_each_api_call(RunId run, const std::function<void(const ApiCallRow&)>& fn) override;
  std::vector<HardwareRow> hardware() override;
  std::vector<CalibrationRow> calibrations() override;
  std::vector<SweepInfo> sweeps() override;
  std::vector<SweepPointRow> read_sweep_points(std::int64_t sweep) override;

  Database& database() { return db_; }

 private:
  std::int64_t hardware_id(const HardwareRow& row);
  Database db_;
};

}  // namespace looplab::store
