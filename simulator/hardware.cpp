// Hardware spec JSON: every number is {"datasheet": {value, source}, "measured": {value, source},
// "achievable": {value, source}} with at least one of the three, and no number without a source.
#include "simulator/hardware.hpp"

#include <algorithm>

#include "engine/core/config.hpp"
#include "engine/core/error.hpp"
#include "simulator/json_fields.hpp"

namespace looplab {

using nlohmann::json;

std::string_view to_string(HardwareKind k) { return k == HardwareKind::gpu ? "gpu" : "host"; }
std::string_view to_string(Ceiling c) {
  switch (c) {
    case Ceiling::measured:
      return "measured";
    case Ceiling::datasheet:
      return "datasheet";
    case Ceiling::achievable:
      return "achievable";
  }
  return "?";
}
std::optional<Ceiling> parse_ceiling(std::string_view s) {
  if (s == "achievable") return Ceiling::achievable;
  if (s == "measured") return Ceiling::measured;
  if (s == "datasheet") return Ceiling::datasheet;
  return std::nullopt;
}
std::string_view to_string(LaunchMode m) { return m == LaunchMode::graph ? "graph" : "stream"; }
std::optional<LaunchMode> parse_launch_mode(std::string_view s) {
  if (s == "graph") return LaunchMode::graph;
  if (s == "stream") return LaunchMode::stream;
  return std::nullopt;
}

const SourcedValue& SpecNumber::pick(Ceiling c) const {
  const std::optional<SourcedValue>* order[3] = {&achievable, &measured, &datasheet};
  if (c == Ceiling::measured) order[0] = &measured, order[1] = &datasheet, order[2] = &achievable;
  if (c == Ceiling::datasheet) order[0] = &datasheet, order[1] = &measured, order[2] = &achievable;
  for (const auto* v : order)
    if (v->has_value()) return **v;
  return *datasheet;  // unreachable for a parsed spec: present() holds
}

const SpecNumber& HardwareSpec::peak_flops(DType dtype) const {
  if (kind == HardwareKind::host || dtype == DType::f32) return peak_flops_f32;
  return peak_flops_bf16;
}
const SpecNumber& HardwareSpec::launch_overhead(LaunchMode m) const {
  return m == LaunchMode::graph ? launch_graph_s : launch_stream_s;
}
std::int64_t HardwareSpec::bytes_per_element(DType dtype) const {
  return kind == HardwareKind::host ? 4 : looplab::bytes_per_element(dtype);
}

namespace {

enum class Sign : std::uint8_t { positive, non_negative };

SourcedValue read_value(const json& j, const std::string& field, const std::string& where, Sign sign) {
  jsonf::object(j, field, where);
  jsonf::only_keys(j, {"value", "source"}, field + ".", where);
  SourcedValue v;
  v.value = jsonf::number(jsonf::require(j, "value", field + ".value", where), field + ".value", where);
  v.source = jsonf::string(jsonf::require(j, "source", field + ".source", where), field + ".source", where);
  if (v.source.empty()) throw InputError(field + ".source", "must say where the number comes from (in " + where + ")");
  if (sign == Sign::positive ? !(v.value > 0) : !(v.value >= 0))
    throw InputError(field + ".value",
                     std::string("must be ") + (sign == Sign::positive ? "> 0" : ">= 0") + " (in " + where + ")");
  return v;
}

SpecNumber read_number(const json& obj, const std::string& key, const std::string& field, const std::string& where,
                       Sign sign, bool required) {
  SpecNumber n;
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (required) throw InputError(field, "missing (in " + where + ")");
    return n;
  }
  jsonf::object(*it, field, where);
  jsonf::only_keys(*it, {"datasheet", "measured", "achievable"}, field + ".", where);
  if (auto d = it->find("datasheet"); d != it->end()) n.datasheet = read_value(*d, field + ".datasheet", where, sign);
  if (auto m = it->find("measured"); m != it->end()) n.measured = read_value(*m, field + ".measured", where, sign);
  if (auto a = it->find("achievable"); a != it->end())
    n.achievable = read_value(*a, field + ".achievable", where, sign);
  if (!n.present()) throw InputError(field, "needs a 'datasheet', 'measured' or 'achievable' value (in " + where + ")");
  return n;
}

json number_to_json(const SpecNumber& n) {
  json j = json::object();
  if (n.datasheet) j["datasheet"] = {{"value", n.datasheet->value}, {"source", n.datasheet->source}};
  if (n.measured) j["measured"] = {{"value", n.measured->value}, {"source", n.measured->source}};
  if (n.achievable) j["achievable"] = {{"value", n.achievable->value}, {"source", n.achievable->source}};
  return j;
}

}  // namespace

HardwareSpec hardware_from_json(const json& j, const std::string& name, const std::string& where) {
  jsonf::object(j, "hardware", where);
  jsonf::only_keys(j,
                   {"name", "kind", "description", "notes", "memory_bytes", "mem_bw_bytes_per_s", "peak_flops",
                    "sm_count", "l2_bytes", "launch_overhead_s"},
                   "", where);
  HardwareSpec h;
  h.name = name;
  if (auto it = j.find("name"); it != j.end()) h.name = jsonf::string(*it, "name", where);
  const std::string kind = jsonf::string(jsonf::require(j, "kind", "kind", where), "kind", where);
  if (kind == "gpu")
    h.kind = HardwareKind::gpu;
  else if (kind == "host")
    h.kind = HardwareKind::host;
  else
    throw InputError("kind", "'" + kind + "' is not one of gpu, host (in " + where + ")");
  if (auto it = j.find("description"); it != j.end()) h.description = jsonf::string(*it, "description", where);
  if (auto it = j.find("notes"); it != j.end()) (void)jsonf::string(*it, "notes", where);

  h.memory_bytes = read_number(j, "memory_bytes", "memory_bytes", where, Sign::positive, true);
  h.mem_bw_bytes_per_s = read_number(j, "mem_bw_bytes_per_s", "mem_bw_bytes_per_s", where, Sign::positive, true);
  h.sm_count = read_number(j, "sm_count", "sm_count", where, Sign::positive, true);
  h.l2_bytes = read_number(j, "l2_bytes", "l2_bytes", where, Sign::positive, true);

  const json& peaks = jsonf::object(jsonf::require(j, "peak_flops", "peak_flops", where), "peak_flops", where);
  jsonf::only_keys(peaks, {"bf16", "f32"}, "peak_flops.", where);
  const bool gpu = h.kind == HardwareKind::gpu;
  h.peak_flops_bf16 = read_number(peaks, "bf16", "peak_flops.bf16", where, Sign::positive, gpu);
  h.peak_flops_f32 = read_number(peaks, "f32", "peak_flops.f32", where, Sign::positive, true);

  const json& launch =
      jsonf::object(jsonf::require(j, "launch_overhead_s", "launch_overhead_s", where), "launch_overhead_s", where);
  jsonf::only_keys(launch, {"stream", "graph"}, "launch_overhead_s.", where);
  h.launch_stream_s = read_number(launch, "stream", "launch_overhead_s.stream", where, Sign::non_negative, true);
  h.launch_graph_s = read_number(launch, "graph", "launch_overhead_s.graph", where, Sign::non_negative, true);
  return h;
}

json hardware_to_json(const HardwareSpec& h) {
  json peaks = json::object();
  if (h.peak_flops_bf16.present()) peaks["bf16"] = number_to_json(h.peak_flops_bf16);
  peaks["f32"] = number_to_json(h.peak_flops_f32);
  return json{{"name", h.name},
              {"kind", std::string(to_string(h.kind))},
              {"description", h.description},
              {"memory_bytes", number_to_json(h.memory_bytes)},
              {"mem_bw_bytes_per_s", number_to_json(h.mem_bw_bytes_per_s)},
              {"peak_flops", peaks},
              {"sm_count", number_to_json(h.sm_count)},
              {"l2_bytes", number_to_json(h.l2_bytes)},
              {"launch_overhead_s",
               {{"stream", number_to_json(h.launch_stream_s)}, {"graph", number_to_json(h.launch_graph_s)}}}};
}

std::vector<std::string> hardware_names() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(data_dir() / "hardware", ec))
    if (e.path().extension() == ".json") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

HardwareSpec load_hardware(const std::string& name_or_path) {
  namespace fs = std::filesystem;
  fs::path p = name_or_path;
  const bool looks_like_path = name_or_path.find('/') != std::string::npos || p.extension() == ".json";
  if (!looks_like_path) p = data_dir() / "hardware" / (name_or_path + ".json");
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) {
    std::string known;
    for (const auto& n : hardware_names()) known += (known.empty() ? "" : ", ") + n;
    std::string hint = name_or_path == "host"
                           ? "; measure this machine first: looplab calibrate-host --out data/hardware/host.json"
                           : "";
    throw InputError("hardware",
                     "'" + name_or_path + "' is not a known spec (" + known + ") or a readable JSON file" + hint);
  }
  const json j = jsonf::parse_file(p.string(), "hardware");
  return hardware_from_json(j, p.stem().string(), p.filename().string());
}

}  // namespace looplab
