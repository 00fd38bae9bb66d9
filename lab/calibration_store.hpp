// Calibrations in the results store: `--calibration FILE|ID` resolution for predict, sweep and
// run, saving a fitted calibration with its hardware spec (`looplab calibrate --db`), and the
// op records of stored runs that a calibration is fitted on.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "simulator/calibration.hpp"
#include "simulator/hardware.hpp"
#include "simulator/records.hpp"
#include "store/store.hpp"

namespace looplab::lab {

// A readable file is a calibration file; otherwise a number is a calibration id in the store
// `db` (opened read-only) or `store`. Throws InputError("calibration", ...) when it is neither.
Calibration resolve_calibration(const std::string& file_or_id, const std::string& db);
Calibration resolve_calibration(const std::string& file_or_id, store::Store& store);

// Op records of measured runs in the store (`looplab calibrate --runs`): one StepRecord per step
// of each run, each op's time its median over the run's repeats (device time on a GPU, the host
// span on a CPU). `spec` receives the hardware spec the first run was predicted with. Throws
// InputError("runs", ...) for a missing or incomplete run, or runs on different hardware.
RecordSet records_from_runs(const std::string& db, const std::vector<std::int64_t>& runs, HardwareSpec& spec);
// The same from an open store (`db` names it in messages).
RecordSet records_from_runs(store::Store& store, const std::vector<std::int64_t>& runs, HardwareSpec& spec,
                            const std::string& db);

// Adds the calibration (its JSON as params) with the hardware spec it was fitted on; returns its id.
std::int64_t store_calibration(const Calibration& c, const HardwareSpec& hw, const std::string& db,
                               const std::string& method, std::optional<std::int64_t> source_run = {});

}  // namespace looplab::lab
