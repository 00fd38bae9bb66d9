// Label against label, workload by workload (gate.hpp).
#include "lab/gate.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "engine/core/error.hpp"

namespace looplab::lab {

namespace {

// What defines the work a run did; two runs with the same key measured the same thing.
std::string work_key(const store::RunInfo& r) {
  return r.config_json + "|" + std::to_string(r.batch) + "|" + std::to_string(r.prompt_len) + "|" +
         std::to_string(r.decode_steps) + "|" + r.backend;
}

std::string work_name(const store::RunInfo& r) {
  return r.model + " " + r.variant + (r.loops > 1 ? " L=" + std::to_string(r.loops) : "") +
         " B=" + std::to_string(r.batch) + " P=" + std::to_string(r.prompt_len) + " " + r.backend;
}

struct Group {
  std::string name;
  std::vector<store::RunInfo> runs;
};

// Complete runs of a label, grouped by workload, in the order first seen (oldest first).
std::vector<std::pair<std::string, Group>> runs_of(store::Store& s, const std::string& label) {
  std::vector<std::pair<std::string, Group>> out;
  std::vector<store::RunSummary> all = s.list_runs();  // newest first
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    const store::RunInfo& r = it->info;
    if (r.label != label || !r.complete) continue;
    const std::string key = work_key(r);
    auto g = std::find_if(out.begin(), out.end(), [&](const auto& p) { return p.first == key; });
    if (g == out.end()) {
      out.push_back({key, {work_name(r), {}}});
      g = out.end() - 1;
    }
    g->second.runs.push_back(r);
  }
  return out;
}

// Every decode step's and every prefill's time (seconds) over the runs.
void collect(store::Store& s, const std::vector<store::RunInfo>& runs, std::vector<double>& decode,
             std::vector<double>& prefill) {
  for (const store::RunInfo& r : runs)
    s.for_each_step(r.id, [&](const store::StepRow& row) {
      const double t = static_cast<double>(row.end_ns - row.start_ns) * 1e-9;
      if (!(t > 0)) return;
      (row.phase == "prefill" ? prefill : decode).push_back(t);
    });
}

void note_difference(std::vector<std::string>& out, const char* what, const std::string& a, const std::string& b) {
  if (a != b) out.push_back(std::string(what) + " " + a + " -> " + b);
}

}  // namespace

stats::GateVerdict overall_verdict(const std::vector<GateWorkload>& workloads) {
  bool inconclusive = false;
  for (const GateWorkload& w : workloads)
    for (const GateMetric& m : w.metrics) {
      if (m.verdict == stats::GateVerdict::regressed) return stats::GateVerdict::regressed;
      inconclusive = inconclusive || m.verdict == stats::GateVerdict::inconclusive;
    }
  return inconclusive ? stats::GateVerdict::inconclusive : stats::GateVerdict::pass;
}

int gate_exit_code(stats::GateVerdict overall) {
  switch (overall) {
    case stats::GateVerdict::regressed:
      return 1;
    case stats::GateVerdict::inconclusive:
      return 3;
    case stats::GateVerdict::pass:
    case stats::GateVerdict::improved:
      return 0;
  }
  return 0;
}

GateReport gate_compare(store::Store& s, const std::string& baseline, const std::string& candidate,
                        const GateOptions& options) {
  if (!(options.threshold >= 0 && options.threshold < 1))
    throw InputError("threshold", "must be in [0, 1): a relative slowdown such as 0.05");
  if (!(options.alpha > 0 && options.alpha < 1)) throw InputError("alpha", "must be in (0, 1)");
  const auto base = runs_of(s, baseline);
  const auto cand = runs_of(s, candidate);
  if (base.empty()) throw InputError("baseline", "no complete run is labelled '" + baseline + "'");
  if (cand.empty()) throw InputError("candidate", "no complete run is labelled '" + candidate + "'");
  GateReport rep;
  rep.baseline_label = baseline;
  rep.candidate_label = candidate;
  rep.options = options;
  for (const auto& entry : base) {
    const std::string& key = entry.first;
    const Group& g = entry.second;
    auto c = std::find_if(cand.begin(), cand.end(), [&](const auto& p) { return p.first == key; });
    if (c == cand.end()) {
      rep.only_baseline.push_back(g.name);
      continue;
    }
    GateWorkload w;
    w.name = g.name;
    for (const auto& r : g.runs) w.baseline_runs.push_back(r.id);
    for (const auto& r : c->second.runs) w.candidate_runs.push_back(r.id);
    std::vector<double> bd, bp, cd, cp;
    collect(s, g.runs, bd, bp);
    collect(s, c->second.runs, cd, cp);
    for (const auto& [name, b, k] : {std::tuple{"decode step", &bd, &cd}, std::tuple{"prefill", &bp, &cp}}) {
      if (b->empty() || k->empty()) continue;
      GateMetric m;
      m.name = name;
      m.baseline_median_s = stats::median(*b);
      m.candidate_median_s = stats::median(*k);
      m.estimate = stats::ratio_of_medians(*b, *k);
      m.verdict = stats::gate_verdict(m.estimate, options.threshold, options.alpha);
      w.metrics.push_back(m);
    }
    const store::RunInfo& rb = g.runs.front();
    const store::RunInfo& rc = c->second.runs.front();
    note_difference(w.environment, "threads", std::to_string(rb.threads), std::to_string(rc.threads));
    note_difference(w.environment, "host", rb.host, rc.host);
    note_difference(w.environment, "device", rb.device_name, rc.device_name);
    note_difference(w.environment, "commit", rb.engine_commit, rc.engine_commit);
    rep.workloads.push_back(std::move(w));
  }
  for (const auto& entry : cand) {
    const std::string& key = entry.first;
    if (std::find_if(base.begin(), base.end(), [&](const auto& p) { return p.first == key; }) == base.end())
      rep.only_candidate.push_back(entry.second.name);
  }
  if (rep.workloads.empty())
    throw InputError("candidate", "no workload of '" + candidate + "' matches one of '" + baseline +
                                      "' (model config, batch, prompt, decode steps and backend must agree)");
  rep.overall = overall_verdict(rep.workloads);
  return rep;
}

}  // namespace looplab::lab
