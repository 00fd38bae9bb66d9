// Calibrations in the results store: `--calibration FILE|ID` resolution for predict and sweep,
// and saving a fitted calibration with its hardware spec (`looplab calibrate --db`).
#pragma once
#include <cstdint>
#include <string>

#include "simulator/calibration.hpp"
#include "simulator/hardware.hpp"

namespace looplab::cli {

// A readable file is a calibration file; otherwise a number is a calibration id in the store
// `db`. Throws InputError("calibration", ...) when it is neither.
Calibration resolve_calibration(const std::string& file_or_id, const std::string& db);

// Adds the calibration (its JSON as params) with the hardware spec it was fitted on; returns its id.
std::int64_t store_calibration(const Calibration& c, const HardwareSpec& hw, const std::string& db,
                               const std::string& method);

}  // namespace looplab::cli
