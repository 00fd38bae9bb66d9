// Calibrations read from and written to the results store (the `calibrations` table holds the
// calibration JSON of `looplab calibrate` as params_json).
#include "cli/cmd_calibrate_store.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "engine/core/error.hpp"
#include "store/store.hpp"

namespace looplab::cli {

Calibration resolve_calibration(const std::string& file_or_id, const std::string& db) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(file_or_id, ec)) return load_calibration(file_or_id);
  const bool is_id = !file_or_id.empty() && std::all_of(file_or_id.begin(), file_or_id.end(),
                                                        [](unsigned char ch) { return std::isdigit(ch) != 0; });
  if (!is_id) return load_calibration(file_or_id);  // throws: not a readable file
  if (file_or_id.size() > 18) throw InputError("calibration", "id '" + file_or_id + "' is too large");
  const std::int64_t id = std::stoll(file_or_id);
  auto s = store::open_store(db, store::OpenMode::read_only);
  for (const store::CalibrationRow& row : s->calibrations())
    if (row.id == id) {
      try {
        return calibration_from_json(nlohmann::json::parse(row.params_json), db + " calibration " + file_or_id);
      } catch (const nlohmann::json::parse_error& e) {
        throw InputError("calibration", "id " + file_or_id + " in " + db + " holds malformed JSON: " + e.what());
      } catch (const InputError& e) {
        throw InputError("calibration", "id " + file_or_id + " in " + db +
                                            " is not a looplab calibrate result (" + e.what() + ")");
      }
    }
  throw InputError("calibration", "no calibration with id " + file_or_id + " in " + db +
                                      " (and no file of that name)");
}

std::int64_t store_calibration(const Calibration& c, const HardwareSpec& hw, const std::string& db,
                               const std::string& method) {
  auto s = store::open_store(db, store::OpenMode::read_write);
  store::CalibrationRow row;
  row.hardware = hw.name;
  row.method = method;
  row.params_json = calibration_to_json(c).dump();
  return s->add_calibration(row, hardware_to_json(hw).dump());
}

}  // namespace looplab::cli
