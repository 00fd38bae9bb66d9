// Baseline against candidate, workload by workload (gate.hpp).
#include "lab/gate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <set>
#include <tuple>

#include "engine/core/error.hpp"

namespace looplab::lab {

namespace {

// What a group of runs shares: the work (suite.hpp's key) and the backend it ran on.
std::string group_key(const store::RunInfo& r) {
  return work_key(r.config_json, r.batch, r.prompt_len, r.decode_steps) + "|" + r.backend;
}

std::string work_name(const store::RunInfo& r) {
  if (r.backend == "gbench") return r.model + " (gbench)";
  return r.model + " " + r.variant + (r.loops > 1 ? " L=" + std::to_string(r.loops) : "") +
         " B=" + std::to_string(r.batch) + " P=" + std::to_string(r.prompt_len) + " " + r.backend;
}

struct Group {
  std::string key, name;
  std::vector<store::RunInfo> runs;  // oldest first
};

bool selected(const store::RunInfo& r, const RunSelector& sel) {
  if (!r.complete) return false;
  if (!sel.branch.empty()) return r.branch == sel.branch && r.engine_commit == sel.commit;
  if (!sel.commit.empty()) return r.engine_commit.rfind(sel.commit, 0) == 0;
  return r.label == sel.label;
}

// A branch selector's commit: that of the newest complete run recorded on the branch (the store's
// idea of the branch tip: the last commit the branch's CI job measured).
RunSelector resolve_branch(store::Store& s, RunSelector sel, const std::string& field) {
  if (sel.branch.empty()) return sel;
  for (const store::RunSummary& r : s.list_runs())  // newest first
    if (r.info.complete && r.info.branch == sel.branch) {
      sel.commit = r.info.engine_commit;
      return sel;
    }
  throw InputError(field, "no complete run of branch '" + sel.branch +
                              "' in the store (runs record a branch with `gate run --branch`)");
}

// Complete runs of a selector, grouped by workload, in the order first seen (oldest first).
std::vector<Group> runs_of(store::Store& s, const RunSelector& sel, const GateOptions& o) {
  std::vector<Group> out;
  std::vector<store::RunSummary> all = s.list_runs();  // newest first
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    const store::RunInfo& r = it->info;
    if (!selected(r, sel)) continue;
    const std::string key = group_key(r);
    auto g = std::find_if(out.begin(), out.end(), [&](const Group& x) { return x.key == key; });
    if (g == out.end()) {
      auto entry = o.suite.find(work_key(r.config_json, r.batch, r.prompt_len, r.decode_steps));
      out.push_back({key, entry == o.suite.end() ? work_name(r) : entry->second.name + " (" + r.backend + ")", {}});
      g = out.end() - 1;
    }
    g->runs.push_back(r);
  }
  return out;
}

double step_seconds(const store::StepRow& row) { return static_cast<double>(row.end_ns - row.start_ns) * 1e-9; }

// Decode-step and prefill times (seconds): every step of every run (pooled), or one median per
// run (run_medians, for pairing run k of one side with run k of the other).
struct Samples {
  std::vector<double> decode, prefill;
};
Samples pooled(store::Store& s, const std::vector<store::RunInfo>& runs) {
  Samples out;
  for (const store::RunInfo& r : runs)
    s.for_each_step(r.id, [&](const store::StepRow& row) {
      const double t = step_seconds(row);
      if (t > 0) (row.phase == "prefill" ? out.prefill : out.decode).push_back(t);
    });
  return out;
}
Samples run_medians(store::Store& s, const std::vector<store::RunInfo>& runs) {
  Samples out;
  for (const store::RunInfo& r : runs) {
    const Samples one = pooled(s, {r});
    out.decode.push_back(one.decode.empty() ? 0.0 : stats::median(one.decode));
    out.prefill.push_back(one.prefill.empty() ? 0.0 : stats::median(one.prefill));
  }
  return out;
}

// Per op kind, its median time per step of the phase over the runs (ops of one step summed).
std::map<std::string, double> kind_medians(store::Store& s, const std::vector<store::RunInfo>& runs, bool prefill) {
  std::map<std::string, std::vector<double>> per_kind;
  for (const store::RunInfo& r : runs) {
    std::map<std::pair<std::int64_t, std::int64_t>, std::map<std::string, double>> steps;
    s.for_each_op(r.id, [&](const store::OpRow& op) {
      if ((op.step_index == 0) != prefill) return;
      steps[{op.repeat_index, op.step_index}][op.kind] += static_cast<double>(op.measured_ns()) * 1e-9;
    });
    for (const auto& entry : steps)
      for (const auto& [kind, t] : entry.second) per_kind[kind].push_back(t);
  }
  std::map<std::string, double> out;
  for (auto& [kind, v] : per_kind) out[kind] = stats::median(v);
  return out;
}

// The op kinds behind a change: those moving the same way as the metric, largest first, until
// they account for 80% of that movement (at most four).
std::vector<KindChange> kinds_behind(const std::map<std::string, double>& base,
                                     const std::map<std::string, double>& cand, bool slower) {
  std::vector<KindChange> moved;
  double total = 0;
  for (const auto& [kind, b] : base) {
    auto it = cand.find(kind);
    if (it == cand.end()) continue;
    const double d = slower ? it->second - b : b - it->second;
    if (d <= 0) continue;
    moved.push_back({kind, b, it->second, d});
    total += d;
  }
  if (total <= 0) return {};
  std::sort(moved.begin(), moved.end(), [](const KindChange& a, const KindChange& b) { return a.share > b.share; });
  std::vector<KindChange> out;
  double covered = 0;
  for (KindChange& k : moved) {
    k.share /= total;
    out.push_back(k);
    covered += k.share;
    if (covered >= 0.8 || out.size() == 4) break;
  }
  return out;
}

double threshold_for(const GateOptions& o, const store::RunInfo& r, const std::string& metric) {
  auto entry = o.suite.find(work_key(r.config_json, r.batch, r.prompt_len, r.decode_steps));
  if (entry == o.suite.end()) return default_threshold(metric, o.threshold);
  auto t = entry->second.thresholds.find(metric);
  return t == entry->second.thresholds.end() ? default_threshold(metric, o.threshold) : t->second;
}

// The KV cache the engine allocated is exact: the largest of each side decides (a run that
// allocated more is what a user would pay), compared against the threshold (0 by default).
std::optional<GateMetric> kv_metric(const std::vector<store::RunInfo>& base, const std::vector<store::RunInfo>& cand,
                                    double threshold) {
  auto largest = [](const std::vector<store::RunInfo>& runs) -> std::optional<std::int64_t> {
    std::optional<std::int64_t> v;
    for (const store::RunInfo& r : runs) {
      if (!r.kv_bytes) return std::nullopt;  // a run from before schema 4: not known for every run
      v = std::max(v.value_or(0), *r.kv_bytes);
    }
    return v;
  };
  const auto b = largest(base), c = largest(cand);
  if (!b || !c || *b <= 0) return std::nullopt;
  GateMetric m;
  m.name = "kv bytes";
  m.exact = true;
  m.bytes = true;
  m.unit = "runs";
  m.threshold = threshold;
  m.baseline_median_s = static_cast<double>(*b);
  m.candidate_median_s = static_cast<double>(*c);
  m.estimate.ratio = m.candidate_median_s / m.baseline_median_s;
  m.estimate.ci = {m.estimate.ratio, m.estimate.ratio};
  m.estimate.n_baseline = static_cast<std::int64_t>(base.size());
  m.estimate.n_candidate = static_cast<std::int64_t>(cand.size());
  m.verdict = m.estimate.ratio > 1 + threshold   ? stats::GateVerdict::regressed
              : m.estimate.ratio < 1 - threshold ? stats::GateVerdict::improved
                                                 : stats::GateVerdict::pass;
  return m;
}

// A prediction is deterministic: the ratio of the two sides' (median) predictions decides.
std::optional<GateMetric> predicted_metric(const std::string& name, const std::vector<store::RunInfo>& base,
                                           const std::vector<store::RunInfo>& cand, bool decode, double threshold) {
  auto values = [decode](const std::vector<store::RunInfo>& runs) {
    std::vector<double> v;
    for (const store::RunInfo& r : runs) {
      const auto& p = decode ? r.stats.predicted_decode_s : r.stats.predicted_prefill_s;
      if (p && *p > 0) v.push_back(*p);
    }
    return v;
  };
  const std::vector<double> b = values(base), c = values(cand);
  if (b.empty() || c.empty()) return std::nullopt;
  GateMetric m;
  m.name = name;
  m.exact = true;
  m.unit = "prediction";
  m.threshold = threshold;
  m.baseline_median_s = stats::median(b);
  m.candidate_median_s = stats::median(c);
  m.estimate.ratio = m.candidate_median_s / m.baseline_median_s;
  m.estimate.ci = {m.estimate.ratio, m.estimate.ratio};
  m.estimate.test.p = 0;
  m.estimate.n_baseline = static_cast<std::int64_t>(b.size());
  m.estimate.n_candidate = static_cast<std::int64_t>(c.size());
  m.verdict = m.estimate.ratio > 1 + threshold   ? stats::GateVerdict::regressed
              : m.estimate.ratio < 1 - threshold ? stats::GateVerdict::improved
                                                 : stats::GateVerdict::pass;
  return m;
}

// The note of GateMetric::note, or "" when the test can reach alpha with these sample counts.
std::string power_note(std::size_t nb, std::size_t nc, bool paired, bool by_run, double alpha) {
  if (!paired && !by_run) return "";  // steps pooled: tens of samples a side
  const double floor_p = paired ? stats::wilcoxon_min_p(std::min(nb, nc)) : stats::mann_whitney_min_p(nb, nc);
  if (floor_p < alpha) return "";
  char p[32];
  std::snprintf(p, sizeof p, "%.3g", floor_p);
  const std::string what =
      paired ? std::to_string(std::min(nb, nc)) + " pairs" : std::to_string(nb) + "+" + std::to_string(nc) + " runs";
  char a[32];
  std::snprintf(a, sizeof a, "%.3g", alpha);
  return what + " cannot be significant at alpha " + a + " (smallest p " + p +
         "): this metric cannot be called regressed; measure more " + (paired ? "rounds" : "runs");
}

// Which thread counts the runs used: "2", or "1,2" when they differ.
std::string thread_counts(const std::vector<store::RunInfo>& runs) {
  std::set<int> t;
  for (const auto& r : runs) t.insert(static_cast<int>(r.threads));
  std::string out;
  for (int x : t) out += (out.empty() ? "" : ",") + std::to_string(x);
  return out;
}

void note_difference(std::vector<std::string>& out, const char* what, const std::string& a, const std::string& b) {
  if (a != b) out.push_back(std::string(what) + " " + a + " -> " + b);
}

}  // namespace

RunSelector parse_run_selector(const std::string& text, const std::string& field) {
  if (text.empty()) throw InputError(field, "give a label, or commit:PREFIX");
  if (text.rfind("commit:", 0) == 0) {
    RunSelector s;
    s.commit = text.substr(7);
    if (s.commit.empty()) throw InputError(field, "'commit:' needs a commit or a prefix of one");
    return s;
  }
  if (text.rfind("branch:", 0) == 0) {
    RunSelector s;
    s.branch = text.substr(7);
    if (s.branch.empty()) throw InputError(field, "'branch:' needs a branch name");
    return s;
  }
  return {text, "", ""};
}

std::map<std::string, SuiteEntry> suite_entries(const Suite& suite) {
  std::map<std::string, SuiteEntry> out;
  for (const SuiteWorkload& w : suite.workloads) out[work_key(w)] = {w.name, w.thresholds};
  return out;
}

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

GateReport gate_compare(store::Store& baseline_store, const RunSelector& baseline, store::Store& candidate_store,
                        const RunSelector& candidate, const GateOptions& options) {
  if (!(options.threshold >= 0 && options.threshold < 1))
    throw InputError("threshold", "must be in [0, 1): a relative slowdown such as 0.05");
  if (!(options.alpha > 0 && options.alpha < 1)) throw InputError("alpha", "must be in (0, 1)");
  const RunSelector base_sel = resolve_branch(baseline_store, baseline, "baseline");
  const RunSelector cand_sel = resolve_branch(candidate_store, candidate, "candidate");
  const std::vector<Group> base = runs_of(baseline_store, base_sel, options);
  const std::vector<Group> cand = runs_of(candidate_store, cand_sel, options);
  if (base.empty()) throw InputError("baseline", "no complete run is selected by " + base_sel.describe());
  if (cand.empty()) throw InputError("candidate", "no complete run is selected by " + cand_sel.describe());
  GateReport rep;
  rep.baseline_label = base_sel.describe();
  rep.candidate_label = cand_sel.describe();
  rep.options = options;
  for (const Group& g : base) {
    auto c = std::find_if(cand.begin(), cand.end(), [&](const Group& x) { return x.key == g.key; });
    if (c == cand.end()) {
      rep.only_baseline.push_back(g.name);
      continue;
    }
    GateWorkload w;
    w.name = g.name;
    for (const auto& r : g.runs) w.baseline_runs.push_back(r.id);
    for (const auto& r : c->runs) w.candidate_runs.push_back(r.id);
    const store::RunInfo& rb = g.runs.front();
    // Steps of one run are not independent of each other: once there are runs enough, the run is
    // the sample, so the test sees the noise between runs (the larger on a shared machine).
    const bool by_run =
        options.paired || (g.runs.size() >= kMinRunsForRunLevel && c->runs.size() >= kMinRunsForRunLevel);
    const std::string unit = options.paired ? "pairs" : by_run ? "runs" : "steps";
    const Samples b = by_run ? run_medians(baseline_store, g.runs) : pooled(baseline_store, g.runs);
    const Samples k = by_run ? run_medians(candidate_store, c->runs) : pooled(candidate_store, c->runs);
    // A Google Benchmark run (backend "gbench") stores its repetitions as steps: its metric is "time".
    const char* step_metric = rb.backend == "gbench" ? "time" : "decode step";
    for (const auto& [name, bs, ks, prefill] :
         {std::tuple{step_metric, &b.decode, &k.decode, false}, std::tuple{"prefill", &b.prefill, &k.prefill, true}}) {
      if (bs->empty() || ks->empty()) continue;
      GateMetric m;
      m.name = name;
      m.threshold = threshold_for(options, rb, name);
      m.unit = unit;
      m.baseline_median_s = stats::median(*bs);
      m.candidate_median_s = stats::median(*ks);
      m.estimate = options.paired ? stats::paired_ratio(*bs, *ks) : stats::ratio_of_medians(*bs, *ks);
      m.verdict = stats::gate_verdict(m.estimate, m.threshold, options.alpha);
      m.note = power_note(bs->size(), ks->size(), options.paired, by_run, options.alpha);
      if (m.verdict != stats::GateVerdict::pass)
        m.kinds = kinds_behind(kind_medians(baseline_store, g.runs, prefill),
                               kind_medians(candidate_store, c->runs, prefill), m.estimate.ratio >= 1);
      w.metrics.push_back(std::move(m));
    }
    // A prediction is compared only on one hardware spec: a host spec is measured anew by every
    // run, and then its prediction moves with the machine, not with the simulator.
    const bool one_spec =
        std::all_of(g.runs.begin(), g.runs.end(), [&](const auto& r) { return r.hardware_json == rb.hardware_json; }) &&
        std::all_of(c->runs.begin(), c->runs.end(), [&](const auto& r) { return r.hardware_json == rb.hardware_json; });
    if (one_spec) {
      for (const auto& [name, decode] :
           {std::pair{"predicted decode step", true}, std::pair{"predicted prefill", false}})
        if (auto m = predicted_metric(name, g.runs, c->runs, decode, threshold_for(options, rb, name)))
          w.metrics.push_back(std::move(*m));
    } else {
      w.environment.push_back("hardware spec differs between runs (" + rb.hardware +
                              " measured per run): predictions not compared");
    }
    if (auto m = kv_metric(g.runs, c->runs, threshold_for(options, rb, "kv bytes"))) w.metrics.push_back(std::move(*m));
    const store::RunInfo& rc = c->runs.front();
    const std::string tb = thread_counts(g.runs), tc = thread_counts(c->runs);
    note_difference(w.environment, "threads", tb, tc);
    if (tb == tc && tb.find(',') != std::string::npos)
      w.environment.push_back("threads differ between runs of each side (" + tb +
                              "): fix `threads` in the suite so every run does the same work");
    note_difference(w.environment, "host", rb.host, rc.host);
    note_difference(w.environment, "device", rb.device_name, rc.device_name);
    note_difference(w.environment, "commit", rb.engine_commit, rc.engine_commit);
    rep.workloads.push_back(std::move(w));
  }
  for (const Group& g : cand)
    if (std::find_if(base.begin(), base.end(), [&](const Group& x) { return x.key == g.key; }) == base.end())
      rep.only_candidate.push_back(g.name);
  if (rep.workloads.empty())
    throw InputError("candidate", "no workload of " + cand_sel.describe() + " matches one of " + base_sel.describe() +
                                      " (model config, batch, prompt, decode steps and backend must agree)");
  rep.overall = overall_verdict(rep.workloads);
  return rep;
}

GateReport gate_compare(store::Store& s, const std::string& baseline, const std::string& candidate,
                        const GateOptions& options) {
  return gate_compare(s, parse_run_selector(baseline, "baseline"), s, parse_run_selector(candidate, "candidate"),
                      options);
}

}  // namespace looplab::lab
