// Google Benchmark JSON -> runs (gbench_import.hpp). Everything is parsed and checked first; the
// runs are written after, each complete.
#include "lab/gbench_import.hpp"

#include <cmath>
#include <filesystem>
#include <map>

#include "engine/core/error.hpp"
#include "simulator/json_fields.hpp"
#include "store/summary.hpp"

namespace looplab::lab {

using nlohmann::json;

namespace {

double ns_per_unit(const std::string& unit, const std::string& field, const std::string& where) {
  if (unit == "ns") return 1;
  if (unit == "us") return 1e3;
  if (unit == "ms") return 1e6;
  if (unit == "s") return 1e9;
  throw InputError(field, "'" + unit + "' is not a Google Benchmark time unit (ns, us, ms, s) (in " + where + ")");
}

}  // namespace

GbenchFile parse_gbench(const json& j, const std::string& where) {
  jsonf::object(j, "gbench", where);
  const json& ctx = j.contains("context") ? jsonf::object(j.at("context"), "context", where) : json::object();
  const json& list = jsonf::array(jsonf::require(j, "benchmarks", "benchmarks", where), "benchmarks", where);
  GbenchFile out;
  std::vector<GbenchInstance>& instances = out.instances;
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = "benchmarks[" + std::to_string(i) + "]";
    const json& b = jsonf::object(list[i], at, where);
    if (b.contains("error_occurred") && b.at("error_occurred").is_boolean() && b.at("error_occurred").get<bool>()) {
      ++out.skipped;
      continue;
    }
    if (b.contains("run_type") && jsonf::string(b.at("run_type"), at + ".run_type", where) == "aggregate") {
      ++out.skipped;
      continue;
    }
    const std::string name = jsonf::string(jsonf::require(b, "name", at + ".name", where), at + ".name", where);
    const std::string run_name =
        b.contains("run_name") ? jsonf::string(b.at("run_name"), at + ".run_name", where) : name;
    const double t = jsonf::number(jsonf::require(b, "real_time", at + ".real_time", where), at + ".real_time", where);
    const std::string unit =
        b.contains("time_unit") ? jsonf::string(b.at("time_unit"), at + ".time_unit", where) : std::string("ns");
    const double ns = t * ns_per_unit(unit, at + ".time_unit", where);
    if (!std::isfinite(ns) || ns <= 0 || ns > 1e15)
      throw InputError(at + ".real_time", "must be a positive time below 10^6 s (in " + where + ")");
    std::int64_t threads = 1;
    if (b.contains("threads")) threads = jsonf::integer(b.at("threads"), at + ".threads", where);
    auto [it, fresh] = index.emplace(run_name, instances.size());
    if (fresh) instances.push_back({run_name, threads, {}});
    instances[it->second].ns.push_back(ns);
  }
  if (instances.empty()) throw InputError("benchmarks", "holds no benchmark result to import (in " + where + ")");
  if (ctx.contains("executable") && ctx.at("executable").is_string())
    out.executable = std::filesystem::path(ctx.at("executable").get<std::string>()).filename().string();
  if (ctx.contains("host_name") && ctx.at("host_name").is_string()) out.host = ctx.at("host_name").get<std::string>();
  return out;
}

GbenchImport store_gbench(store::Store& s, const GbenchFile& f, const std::string& label, const std::string& commit) {
  GbenchImport out;
  out.skipped = f.skipped;
  const std::string& exe = f.executable;
  const std::string& host = f.host;
  for (const GbenchInstance& inst : f.instances) {
    store::RunInfo info;
    info.label = label;
    info.model = inst.run_name;
    info.variant = "gbench";
    info.config_json = json{{"benchmark", inst.run_name}, {"executable", exe}}.dump();
    info.batch = 1;
    info.prompt_len = 0;
    info.decode_steps = 1;
    info.repeats = static_cast<std::int64_t>(inst.ns.size());
    info.backend = "gbench";
    info.tracer = "gbench";
    info.hardware = "host";
    info.device_name = exe;
    info.engine_commit = commit;
    info.host = host;
    info.threads = inst.threads;
    const store::RunId id = s.begin_run(info);
    store::RunRows rows;
    std::int64_t t = 0;
    for (std::size_t r = 0; r < inst.ns.size(); ++r) {
      const auto d = std::max<std::int64_t>(1, std::llround(inst.ns[r]));
      rows.steps.push_back({static_cast<std::int64_t>(r), 1, "decode", 1, 0, t, t + d, 0});
      t += d;
    }
    s.append(id, rows);
    info.id = id;
    info.status = store::RunStatus::complete;
    info.complete = true;
    info.stats = store::run_stats(rows);
    s.finish_run(info);
    out.runs.push_back(id);
    out.names.push_back(inst.run_name);
    out.repetitions += static_cast<std::int64_t>(inst.ns.size());
  }
  return out;
}

GbenchImport import_gbench(store::Store& s, const json& j, const std::string& where, const std::string& label,
                           const std::string& commit) {
  return store_gbench(s, parse_gbench(j, where), label, commit);
}

}  // namespace looplab::lab
