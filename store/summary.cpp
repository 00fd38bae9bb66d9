// Distributions and tables over stored rows; pure functions of the rows (no store access).
#include "store/summary.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <utility>

namespace looplab::store {

namespace {

std::string phase_of_step(const RunRows& rows, std::int64_t step) {
  for (const StepRow& s : rows.steps)
    if (s.step_index == step) return s.phase;
  return step == 0 ? "prefill" : "decode";
}

// Per phase: kinds in first-seen plan order, and per (repeat, step) the summed time of each.
struct PhaseSums {
  std::vector<std::string> kinds;
  std::map<std::pair<std::int64_t, std::int64_t>, std::map<std::string, double>> measured;  // (rep, step)
  std::map<std::int64_t, std::map<std::string, double>> predicted;                          // step
  std::map<std::pair<std::int64_t, std::int64_t>, double> step_wall;
  std::map<std::pair<std::int64_t, std::int64_t>, double> unattributed;
};

std::map<std::string, PhaseSums> sum_by_phase(const RunRows& rows) {
  std::map<std::string, PhaseSums> out;
  std::map<std::int64_t, std::string> phase;  // step index -> phase
  for (const StepRow& s : rows.steps) {
    phase[s.step_index] = s.phase;
    out[s.phase].step_wall[{s.repeat_index, s.step_index}] = static_cast<double>(s.end_ns - s.start_ns) * 1e-9;
    out[s.phase].unattributed[{s.repeat_index, s.step_index}] = static_cast<double>(s.unattributed_ns) * 1e-9;
  }
  auto phase_of = [&](std::int64_t step) {
    auto it = phase.find(step);
    return it != phase.end() ? it->second : phase_of_step(rows, step);
  };
  auto note_kind = [](PhaseSums& ps, const std::string& k) {
    if (std::find(ps.kinds.begin(), ps.kinds.end(), k) == ps.kinds.end()) ps.kinds.push_back(k);
  };
  for (const OpRow& o : rows.ops) {
    PhaseSums& ps = out[phase_of(o.step_index)];
    note_kind(ps, o.kind);
    ps.measured[{o.repeat_index, o.step_index}][o.kind] += static_cast<double>(o.measured_ns()) * 1e-9;
  }
  for (const PredictionRow& p : rows.predictions) {
    PhaseSums& ps = out[phase_of(p.step_index)];
    note_kind(ps, p.kind);
    ps.predicted[p.step_index][p.kind] += p.time_s;
  }
  return out;
}

std::optional<double> mean_predicted(const PhaseSums& ps, const std::string& kind) {
  if (ps.predicted.empty() || kind == "unattributed") return std::nullopt;
  double sum = 0;
  for (const auto& [step, kinds] : ps.predicted) {
    if (kind == "step") {
      for (const auto& [k, t] : kinds) sum += t;
    } else if (auto it = kinds.find(kind); it != kinds.end()) {
      sum += it->second;
    }
  }
  return sum / static_cast<double>(ps.predicted.size());
}

KindRow make_row(const std::string& phase, const std::string& kind, const PhaseSums& ps) {
  KindRow r;
  r.phase = phase;
  r.kind = kind;
  r.predicted_s = mean_predicted(ps, kind);
  std::vector<double> samples;
  if (kind == "step") {
    for (const auto& [key, t] : ps.step_wall) samples.push_back(t);
  } else if (kind == "unattributed") {
    for (const auto& [key, t] : ps.unattributed) samples.push_back(t);
  } else {
    // Every measured step counts, also one where the kind did not run (0).
    for (const auto& [key, wall] : ps.step_wall) {
      auto m = ps.measured.find(key);
      double t = 0;
      if (m != ps.measured.end())
        if (auto it = m->second.find(kind); it != m->second.end()) t = it->second;
      samples.push_back(t);
    }
  }
  r.measured = stats::summarize(samples);
  double sum = 0;
  for (double x : samples) sum += x;
  r.measured_mean_s = samples.empty() ? 0 : sum / static_cast<double>(samples.size());
  if (r.predicted_s && r.measured.samples > 0 && r.measured.median > 0)
    r.error_pct = (*r.predicted_s - r.measured.median) / r.measured.median * 100.0;
  return r;
}

const char* kPhases[] = {"prefill", "decode"};

}  // namespace

std::vector<KindRow> kind_table(const RunRows& rows) {
  std::vector<KindRow> out;
  auto sums = sum_by_phase(rows);
  for (const char* phase : kPhases) {
    auto it = sums.find(phase);
    if (it == sums.end()) continue;
    for (const std::string& k : it->second.kinds) out.push_back(make_row(phase, k, it->second));
    if (!it->second.step_wall.empty()) out.push_back(make_row(phase, "unattributed", it->second));
    out.push_back(make_row(phase, "step", it->second));
  }
  return out;
}

PhaseStats phase_stats(const KindRow& step, const KindRow* unattributed) {
  PhaseStats p;
  p.samples = step.measured.samples;
  if (p.samples == 0) return p;
  p.median_s = step.measured.median;
  p.ci_lo_s = step.measured.ci.lo;
  p.ci_hi_s = step.measured.ci.hi;
  p.p10_s = step.measured.p10;
  p.p90_s = step.measured.p90;
  p.outliers = step.measured.outliers;
  p.verdict = std::string(stats::to_string(step.measured.verdict));
  if (unattributed && unattributed->measured.samples > 0) p.unattributed_s = unattributed->measured.median;
  return p;
}

RunStats run_stats(const RunRows& rows) { return run_stats(kind_table(rows)); }

RunStats run_stats(const std::vector<KindRow>& table) {
  RunStats s;
  std::optional<stats::Verdict> verdict;
  std::string reason;
  for (std::size_t i = 0; i < table.size(); ++i) {
    const KindRow& r = table[i];
    if (r.kind != "step") continue;
    const KindRow* un = i > 0 && table[i - 1].kind == "unattributed" ? &table[i - 1] : nullptr;
    PhaseStats& p = r.phase == "prefill" ? s.prefill : s.decode;
    p = phase_stats(r, un);
    (r.phase == "prefill" ? s.predicted_prefill_s : s.predicted_decode_s) = r.predicted_s;
    if (r.measured.samples == 0) continue;
    const stats::Verdict v = r.measured.verdict;
    verdict = verdict ? stats::worst(*verdict, v) : v;
    if (v != stats::Verdict::quiet) {
      char b[160];
      if (r.measured.samples < stats::NoiseThresholds{}.min_samples)
        std::snprintf(b, sizeof b, "%s: %lld samples", r.phase.c_str(), static_cast<long long>(r.measured.samples));
      else
        std::snprintf(b, sizeof b, "%s: 95%% interval +-%.1f%% of the median", r.phase.c_str(),
                      100 * r.measured.relative_half_width());
      reason += (reason.empty() ? "" : "; ") + std::string(b);
    }
  }
  if (verdict) {
    s.verdict = std::string(stats::to_string(*verdict));
    s.verdict_reason = reason;
  }
  return s;
}

namespace {

CompareRow compare(std::string phase, std::string what, std::optional<double> a, std::optional<double> b) {
  CompareRow r{std::move(phase), std::move(what), a, b, std::nullopt, std::nullopt};
  if (a && b) {
    r.diff_s = *b - *a;
    if (*a > 0) r.ratio = *b / *a;
  }
  return r;
}

}  // namespace

std::vector<CompareRow> compare_by_kind(const RunRows& a, const RunRows& b) {
  std::vector<KindRow> ta = kind_table(a), tb = kind_table(b);
  std::vector<CompareRow> out;
  auto find = [](const std::vector<KindRow>& t, const std::string& phase, const std::string& kind) {
    return std::find_if(t.begin(), t.end(), [&](const KindRow& r) { return r.phase == phase && r.kind == kind; });
  };
  auto median = [](const KindRow& r) -> std::optional<double> {
    return r.measured.samples > 0 ? std::optional<double>(r.measured.median) : std::nullopt;
  };
  for (const KindRow& ra : ta) {
    auto rb = find(tb, ra.phase, ra.kind);
    out.push_back(compare(ra.phase, ra.kind, median(ra), rb != tb.end() ? median(*rb) : std::nullopt));
  }
  for (const KindRow& rb : tb)
    if (find(ta, rb.phase, rb.kind) == ta.end()) out.push_back(compare(rb.phase, rb.kind, std::nullopt, median(rb)));
  return out;
}

std::vector<CompareRow> compare_by_step(const RunRows& a, const RunRows& b) {
  auto medians = [](const RunRows& r) {
    std::map<std::int64_t, std::pair<std::string, std::vector<double>>> by_step;
    for (const StepRow& s : r.steps) {
      auto& e = by_step[s.step_index];
      e.first = s.phase;
      e.second.push_back(static_cast<double>(s.end_ns - s.start_ns) * 1e-9);
    }
    std::map<std::int64_t, std::pair<std::string, double>> out;
    for (auto& [step, e] : by_step) out[step] = {e.first, stats::median(e.second)};
    return out;
  };
  auto ma = medians(a), mb = medians(b);
  std::map<std::int64_t, std::string> steps;
  for (const auto& [s, e] : ma) steps[s] = e.first;
  for (const auto& [s, e] : mb) steps.emplace(s, e.first);
  std::vector<CompareRow> out;
  for (const auto& [s, phase] : steps) {
    auto ia = ma.find(s);
    auto ib = mb.find(s);
    out.push_back(compare(phase, "step " + std::to_string(s),
                          ia != ma.end() ? std::optional<double>(ia->second.second) : std::nullopt,
                          ib != mb.end() ? std::optional<double>(ib->second.second) : std::nullopt));
  }
  return out;
}

}  // namespace looplab::store
