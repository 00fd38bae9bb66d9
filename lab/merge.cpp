// Merging one results store into another (merge.hpp).
#include "lab/merge.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>
#include <tuple>

namespace looplab::lab {

namespace {

// What makes a run the same run in two files: ids are each file's own.
using Identity = std::tuple<std::string, std::string, std::int64_t, std::string>;
Identity identity(const store::RunInfo& r) { return {r.created_at, r.host, r.pid, r.label}; }

}  // namespace

MergeResult merge_runs(store::Store& from, store::Store* into, const MergeOptions& options) {
  if (!into && !options.dry_run) throw std::invalid_argument("merge_runs: no target store");
  std::set<Identity> present;
  if (into)
    for (const store::RunSummary& r : into->list_runs()) present.insert(identity(r.info));
  const std::vector<store::HardwareRow> specs = from.hardware();
  std::vector<store::RunSummary> runs = from.list_runs();  // newest first
  std::reverse(runs.begin(), runs.end());
  MergeResult out;
  std::set<std::pair<std::string, std::string>> carried;  // hardware (name, JSON) already put
  for (const store::RunSummary& s : runs) {
    const store::RunInfo& r = s.info;
    if (!options.labels.empty() &&
        std::find(options.labels.begin(), options.labels.end(), r.label) == options.labels.end())
      continue;
    if (!r.complete) {
      ++out.not_complete;
      continue;
    }
    if (present.count(identity(r))) {
      ++out.already_present;
      continue;
    }
    out.copied.push_back(r.id);
    if (options.dry_run) continue;
    if (!r.hardware.empty() && carried.insert({r.hardware, r.hardware_json}).second) {
      // put_hardware keeps a measured spec's machine and quality; import_run then finds it by name and JSON
      auto spec = std::find_if(specs.begin(), specs.end(), [&](const store::HardwareRow& h) {
        return h.name == r.hardware && h.spec_json == r.hardware_json;
      });
      if (spec != specs.end()) into->put_hardware(*spec);
    }
    out.new_ids.push_back(into->import_run(r, from.read_rows(r.id)));
    present.insert(identity(r));
  }
  return out;
}

}  // namespace looplab::lab
