// Listing, finding, measuring and resolving hardware specs (hardware_catalog.hpp).
#include "lab/hardware_catalog.hpp"

#include <omp.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine/core/error.hpp"
#include "lab/host_spec.hpp"
#include "simulator/format.hpp"

namespace looplab::lab {

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Every token of the spec name that holds a digit ("h200", "4090") appears in the device name.
bool matches_device(const std::string& device_lower, const std::string& spec_name) {
  bool any = false;
  std::size_t start = 0;
  while (start <= spec_name.size()) {
    std::size_t end = spec_name.find('-', start);
    std::string tok = spec_name.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (tok.find_first_of("0123456789") != std::string::npos) {
      any = true;
      if (device_lower.find(tok) == std::string::npos) return false;
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return any;
}

std::optional<HardwareEntry> from_row(const store::HardwareRow& row) {
  HardwareEntry e;
  e.name = row.name;
  e.origin = "measured";
  e.id = row.id;
  e.created_at = row.created_at;
  e.machine = row.machine;
  e.quality = row.quality.empty() ? "unknown" : row.quality;
  e.quality_note =
      row.quality.empty() ? "stored before looplab recorded the quality of measurements" : row.quality_note;
  e.spec_json = row.spec_json;
  try {
    e.spec = hardware_from_json(nlohmann::json::parse(row.spec_json), row.name, "the store's hardware table");
  } catch (const std::exception&) {
    return std::nullopt;  // an unreadable row is not offered
  }
  return e;
}

// Measured host specs are rows named "host" with a machine; runs' copies of datasheet specs
// (name "h200", ...) are not listed again.
bool is_measured_host(const store::HardwareRow& row) {
  if (row.name != "host") return false;
  try {
    return nlohmann::json::parse(row.spec_json).value("kind", std::string()) == "host";
  } catch (const std::exception&) {
    return false;
  }
}

std::vector<HardwareEntry> measured_hosts(store::Store& store) {
  std::vector<HardwareEntry> out;
  std::vector<store::HardwareRow> rows = store.hardware();
  for (auto it = rows.rbegin(); it != rows.rend(); ++it)
    if (is_measured_host(*it))
      if (auto e = from_row(*it)) out.push_back(std::move(*e));
  return out;
}

HardwareEntry datasheet(const std::string& name) {
  HardwareEntry e;
  e.name = name;
  e.origin = "datasheet";
  e.spec = load_hardware(name);
  e.spec_json = hardware_to_json(e.spec).dump();
  return e;
}

}  // namespace

std::vector<HardwareEntry> list_hardware(store::Store* store) {
  std::vector<HardwareEntry> out;
  for (const std::string& n : hardware_names()) {
    try {
      out.push_back(datasheet(n));
    } catch (const InputError&) {
      // A broken file in data/hardware is reported by `hardware show NAME`, not by the list.
    }
  }
  if (store)
    for (HardwareEntry& e : measured_hosts(*store)) out.push_back(std::move(e));
  return out;
}

std::optional<HardwareEntry> newest_good_host(store::Store& store, int threads) {
  const std::string machine = host_machine_id(threads);
  for (HardwareEntry& e : measured_hosts(store))
    if (e.machine == machine && e.quality == "quiet") return std::move(e);
  return std::nullopt;
}

std::optional<HardwareEntry> find_hardware(store::Store* store, const std::string& name_or_id, int threads) {
  const bool is_id = !name_or_id.empty() && name_or_id.size() <= 18 &&
                     std::all_of(name_or_id.begin(), name_or_id.end(), [](unsigned char c) { return std::isdigit(c); });
  if (is_id) {
    if (!store) return std::nullopt;
    const std::int64_t id = std::stoll(name_or_id);
    for (const store::HardwareRow& row : store->hardware())
      if (row.id == id) return from_row(row);
    return std::nullopt;
  }
  if (name_or_id == "host") {
    const auto names = hardware_names();
    if (std::find(names.begin(), names.end(), "host") != names.end()) return datasheet("host");
    return store ? newest_good_host(*store, threads) : std::nullopt;
  }
  const auto names = hardware_names();
  if (std::find(names.begin(), names.end(), name_or_id) != names.end()) return datasheet(name_or_id);
  return std::nullopt;
}

MeasuredHost measure_and_keep_host(store::Store& store) {
  HostMeasurement m = measure_host();
  store::HardwareRow row;
  row.name = "host";
  row.spec_json = hardware_to_json(m.spec).dump();
  row.machine = m.machine_id;
  row.quality = m.quality;
  row.quality_note = m.quality_note;
  const std::int64_t id = store.put_hardware(row);
  MeasuredHost out;
  for (const store::HardwareRow& r : store.hardware())
    if (r.id == id)
      if (auto e = from_row(r)) out.entry = std::move(*e);
  out.summary = "host spec " + std::to_string(id) + ": copy " +
                format_bytes(m.spec.mem_bw_bytes_per_s.value(Ceiling::measured)) + "/s, matmul " +
                format_flops(m.spec.peak_flops_f32.value(Ceiling::measured)) + "/s, " + m.quality +
                (m.quality_note.empty() ? "" : " (" + m.quality_note + ")");
  return out;
}

namespace {

HardwareChoice resolve_host(store::Store* store, int threads, const Progress& say) {
  const auto names = hardware_names();
  if (std::find(names.begin(), names.end(), "host") != names.end())
    return {load_hardware("host"), "data/hardware/host.json", {}};
  if (!store)
    throw InputError("hardware",
                     "no host spec: measure this machine with `looplab hardware measure` (it keeps "
                     "the spec in the store), or pass --hardware FILE");
  if (auto good = newest_good_host(*store, threads))
    return {good->spec, "host spec " + std::to_string(*good->id) + " measured " + good->created_at + " (quiet)", {}};
  if (say) say("no quiet host spec of this machine in the store: measuring one now (a few seconds)");
  MeasuredHost m = measure_and_keep_host(*store);
  HardwareChoice c{m.entry.spec,
                   "host spec " + std::to_string(m.entry.id.value_or(0)) + " measured now (" + m.entry.quality + ")",
                   {}};
  if (m.entry.quality != "quiet")
    c.warnings.push_back("the host spec was measured under noise (" + m.entry.quality_note +
                         "): predictions from it carry that error; measure again on an idle machine with "
                         "`looplab hardware measure`");
  return c;
}

}  // namespace

int cpu_threads() { return omp_get_max_threads(); }

HardwareSpec hardware_for_prediction(const std::string& name_or_path, const std::string& db) {
  if (name_or_path != "host") return load_hardware(name_or_path);
  const auto names = hardware_names();
  if (std::find(names.begin(), names.end(), "host") != names.end()) return load_hardware("host");
  std::error_code ec;
  if (!std::filesystem::exists(db, ec))
    throw InputError("hardware", "host: no data/hardware/host.json and no store " + db +
                                     ": measure this machine with `looplab hardware measure --db " + db + "`");
  auto s = store::open_store(db, store::OpenMode::read_only);
  if (auto good = newest_good_host(*s, cpu_threads())) return good->spec;
  throw InputError("hardware", "host: no quiet host spec of this machine (" + host_machine_id(cpu_threads()) + ") in " +
                                   db + ": measure one with `looplab hardware measure --db " + db +
                                   "` on an idle machine (`looplab hardware list` shows what is there)");
}

HardwareChoice resolve_hardware(store::Store* store, const std::string& backend, const std::string& device_name,
                                const std::optional<std::string>& requested, int threads, const Progress& say) {
  if (requested && *requested == "host") return resolve_host(store, threads, say);
  if (requested) return {load_hardware(*requested), "--hardware " + *requested, {}};
  if (backend == "cuda") {
    const std::string dev = lower(device_name);
    for (const std::string& n : hardware_names())
      if (n != "host" && matches_device(dev, n))
        return {load_hardware(n), "data/hardware/" + n + ".json (matches " + device_name + ")", {}};
    throw InputError("hardware", "no spec in data/hardware matches the device '" + device_name +
                                     "': pass --hardware NAME or FILE for the prediction");
  }
  return resolve_host(store, threads, say);
}

}  // namespace looplab::lab
