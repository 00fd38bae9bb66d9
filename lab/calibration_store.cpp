// Calibrations read from and written to the results store (the `calibrations` table holds the
// calibration JSON of `looplab calibrate` as params_json).
#include "lab/calibration_store.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>

#include "engine/core/config.hpp"
#include "engine/core/error.hpp"
#include "engine/core/json_text.hpp"
#include "lab/stats.hpp"
#include "store/store.hpp"

namespace looplab::lab {

namespace {

// The id, when file_or_id names no file and is a number; loads the file otherwise.
std::optional<std::int64_t> calibration_id(const std::string& file_or_id, std::optional<Calibration>& file) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(file_or_id, ec)) {
    file = load_calibration(file_or_id);
    return std::nullopt;
  }
  const bool is_id = !file_or_id.empty() && std::all_of(file_or_id.begin(), file_or_id.end(),
                                                        [](unsigned char ch) { return std::isdigit(ch) != 0; });
  if (!is_id) {
    file = load_calibration(file_or_id);  // throws: not a readable file
    return std::nullopt;
  }
  if (file_or_id.size() > 18) throw InputError("calibration", "id '" + file_or_id + "' is too large");
  return std::stoll(file_or_id);
}

Calibration from_store(const std::string& file_or_id, std::int64_t id, store::Store& s, const std::string& db) {
  for (const store::CalibrationRow& row : s.calibrations())
    if (row.id == id) {
      try {
        return calibration_from_json(parse_json_text(row.params_json, "calibration", db + " calibration " + file_or_id),
                                     db + " calibration " + file_or_id);
      } catch (const InputError& e) {
        throw InputError("calibration",
                         "id " + file_or_id + " in " + db + " is not a looplab calibrate result (" + e.what() + ")");
      }
    }
  throw InputError("calibration", "no calibration with id " + file_or_id + " in " + db + " (and no file of that name)");
}

}  // namespace

Calibration resolve_calibration(const std::string& file_or_id, const std::string& db) {
  std::optional<Calibration> file;
  const auto id = calibration_id(file_or_id, file);
  if (!id) return *file;
  auto s = store::open_store(db, store::OpenMode::read_only);
  return from_store(file_or_id, *id, *s, db);
}

Calibration resolve_calibration(const std::string& file_or_id, store::Store& store) {
  std::optional<Calibration> file;
  const auto id = calibration_id(file_or_id, file);
  if (!id) return *file;
  return from_store(file_or_id, *id, store, "the store");
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
  return records_from_runs(*s, runs, spec, db);
}

RecordSet records_from_runs(store::Store& store, const std::vector<std::int64_t>& runs, HardwareSpec& spec,
                            const std::string& db) {
  if (runs.empty()) throw InputError("runs", "name at least one run id");
  store::Store* s = &store;
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
      spec = hardware_from_json(parse_json_text(info->hardware_json, "runs", db + " " + what + " hardware spec"),
                                info->hardware, db + " " + what);
    } else if (info->hardware != out.hardware) {
      throw InputError("runs", what + " ran on '" + info->hardware + "', the first on '" + out.hardware +
                                   "': calibrate one hardware at a time");
    }
    ModelConfig config;
    config = config_from_json(parse_json_text(info->config_json, "runs", db + " " + what + " model config"),
                              db + " " + what);
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
        rec.op_time_s.push_back(stats::median(std::move(t)));
      }
      out.steps.push_back(std::move(rec));
    }
  }
  return out;
}

}  // namespace looplab::lab
