// Calibrations read from and written to the results store (the `calibrations` table holds the
// calibration JSON of `looplab calibrate` as params_json).
#include "cli/cmd_calibrate_store.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>

#include "engine/core/error.hpp"
#include "engine/core/config.hpp"
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
                               const std::string& method, std::optional<std::int64_t> source_run) {
  auto s = store::open_store(db, store::OpenMode::read_write);
  store::CalibrationRow row;
  row.hardware = hw.name;
  row.method = method;
  row.params_json = calibration_to_json(c).dump();
  row.source_run = source_run;
  return s->add_calibration(row, hardware_to_json(hw).dump());
}

RecordSet records_from_runs(const std::string& db, const std::vector<std::int64_t>& runs, HardwareSpec& spec) {
  if (runs.empty()) throw InputError("runs", "name at least one run id");
  auto s = store::open_store(db, store::OpenMode::read_only);
  RecordSet out;
  out.launch = LaunchMode::stream;
  for (const std::int64_t id : runs) {
    const std::string what = "run " + std::to_string(id);
    const std::optional<store::RunInfo> info = s->get_run(id);
    if (!info) throw InputError("runs", "no " + what + " in " + db);
    if (!info->complete) throw InputError("runs", what + " in " + db + " is not complete");
    if (out.steps.empty()) {
      out.hardware = info->hardware;
      out.engine_commit = info->engine_commit;
      try {
        spec = hardware_from_json(nlohmann::json::parse(info->hardware_json), info->hardware, db + " " + what);
      } catch (const nlohmann::json::parse_error& e) {
        throw InputError("runs", what + " in " + db + " holds a malformed hardware spec: " + e.what());
      }
    } else if (info->hardware != out.hardware) {
      throw InputError("runs", what + " ran on '" + info->hardware + "', the first on '" + out.hardware +
                                   "': calibrate one hardware at a time");
    }
    ModelConfig config;
    try {
      config = config_from_json(nlohmann::json::parse(info->config_json), db + " " + what);
    } catch (const nlohmann::json::parse_error& e) {
      throw InputError("runs", what + " in " + db + " holds a malformed model config: " + e.what());
    }
    // Steps of the first repeat give the shapes; every repeat's ops give the times.
    std::map<std::int64_t, StepRecord> steps;
    s->for_each_step(id, [&](const store::StepRow& r) {
      if (r.repeat_index != 0) return;
      const Phase phase = r.phase == "prefill" ? Phase::prefill : Phase::decode;
      steps[r.step_index] = StepRecord{config, {phase, r.batch, r.context_len}, {}};
    });
    std::map<std::int64_t, std::map<std::int64_t, std::vector<double>>> times;  // step -> op -> repeats
    s->for_each_op(id, [&](const store::OpRow& r) {
      times[r.step_index][r.op_index].push_back(static_cast<double>(r.measured_ns()) * 1e-9);
    });
    for (auto& [step, rec] : steps) {
      for (auto& [op, t] : times[step]) {
        if (op != static_cast<std::int64_t>(rec.op_time_s.size()))
          throw InputError("runs", what + " step " + std::to_string(step) + " has no time for op " +
                                       std::to_string(rec.op_time_s.size()));
        std::nth_element(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(t.size() / 2), t.end());
        rec.op_time_s.push_back(t[t.size() / 2]);
      }
      out.steps.push_back(std::move(rec));
    }
  }
  return out;
}

}  // namespace looplab::cli
