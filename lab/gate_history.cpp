// History of a metric and its change points (gate_history.hpp).
#include "lab/gate_history.hpp"

#include <algorithm>

#include "engine/core/error.hpp"

namespace looplab::lab {

namespace {

std::string name_of(const store::RunInfo& r, const std::map<std::string, SuiteEntry>& suite) {
  auto entry = suite.find(work_key(r.config_json, r.batch, r.prompt_len, r.decode_steps));
  if (entry != suite.end()) return entry->second.name + " (" + r.backend + ")";
  if (r.backend == "gbench") return r.model + " (gbench)";
  return r.model + " " + r.variant + (r.loops > 1 ? " L=" + std::to_string(r.loops) : "") +
         " B=" + std::to_string(r.batch) + " P=" + std::to_string(r.prompt_len) + " " + r.backend;
}

// The run's value of the metric, with its interval where the metric has one.
std::optional<HistoryPoint> point_of(const store::RunInfo& r, const std::string& metric) {
  HistoryPoint p{r.id, r.created_at, r.engine_commit, r.label, 0, std::nullopt, std::nullopt};
  const store::PhaseStats* phase = nullptr;
  if (metric == "decode step" || metric == "time") phase = &r.stats.decode;
  if (metric == "prefill") phase = &r.stats.prefill;
  if (phase) {
    if (!phase->median_s) return std::nullopt;
    p.median_s = *phase->median_s;
    p.ci_lo_s = phase->ci_lo_s;
    p.ci_hi_s = phase->ci_hi_s;
    return p;
  }
  const auto& pred = metric == "predicted decode step" ? r.stats.predicted_decode_s : r.stats.predicted_prefill_s;
  if (!pred) return std::nullopt;
  p.median_s = *pred;
  return p;
}

}  // namespace

std::vector<WorkloadHistory> gate_history(store::Store& s, const HistoryOptions& o,
                                          const std::map<std::string, SuiteEntry>& suite) {
  const auto& names = gate_metric_names();
  if (o.metric == "kv bytes")
    throw InputError("metric", "'kv bytes' is exact and has no history to plot: `gate compare` checks it");
  if (o.metric != "time" && std::find(names.begin(), names.end(), o.metric) == names.end())
    throw InputError("metric",
                     "'" + o.metric + "' is not one of " + gate_metric_list() + ", 'time' (Google Benchmark runs)");
  std::vector<WorkloadHistory> out;
  std::map<std::string, std::size_t> index;
  const auto all = s.list_runs();  // newest first
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    const store::RunInfo& r = it->info;
    if (!r.complete || (!o.label.empty() && r.label != o.label)) continue;
    const std::string name = name_of(r, suite);
    if (!o.workload.empty() && name != o.workload && name.rfind(o.workload + " (", 0) != 0) continue;
    auto p = point_of(r, o.metric);
    if (!p) continue;
    const std::string key = work_key(r.config_json, r.batch, r.prompt_len, r.decode_steps) + "|" + r.backend;
    auto [slot, fresh] = index.emplace(key, out.size());
    if (fresh) out.push_back({name, o.metric, {}, {}});
    out[slot->second].points.push_back(std::move(*p));
  }
  if (out.empty())
    throw InputError(o.workload.empty() ? "label" : "workload",
                     "no complete run" + (o.label.empty() ? std::string() : " labelled '" + o.label + "'") +
                         (o.workload.empty() ? std::string() : " of workload '" + o.workload + "'") + " has a " +
                         o.metric + " value");
  for (WorkloadHistory& h : out) {
    std::vector<double> series;
    for (const HistoryPoint& p : h.points) series.push_back(p.median_s);
    for (const stats::ChangePoint& c : stats::find_change_points(series, o.detector))
      h.changes.push_back({c.index, h.points[c.index].run, c.p, c.before_mean, c.after_mean});
  }
  return out;
}

}  // namespace looplab::lab
