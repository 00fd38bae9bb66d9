// Resampling a label's measured runs into many gate comparisons (gate_power.hpp).
#include "lab/gate_power.hpp"

#include <algorithm>
#include <numeric>
#include <optional>
#include <set>

#include "engine/core/error.hpp"
#include "lab/prune.hpp"
#include "lab/stats_detail.hpp"

namespace looplab::lab {

namespace {

double seconds_between(const std::string& a, const std::string& b) {
  const auto x = iso8601_seconds(a), y = iso8601_seconds(b);
  return x && y ? *y - *x : 0.0;
}

struct RunSteps {
  std::vector<double> decode, prefill;
  double seconds = 0;
  const std::vector<double>& of(bool prefill_phase) const { return prefill_phase ? prefill : decode; }
};

std::string key_of(const store::RunInfo& r) {
  return work_key(r.config_json, r.batch, r.prompt_len, r.decode_steps) + "|" + r.backend;
}

// The complete runs of a label by workload, oldest first, and the workloads in first-seen order.
std::map<std::string, std::vector<store::RunInfo>> groups_of(const std::vector<store::RunSummary>& all,
                                                             const std::string& label,
                                                             std::vector<std::string>& order) {
  std::map<std::string, std::vector<store::RunInfo>> groups;
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    const store::RunInfo& r = it->info;
    if (!r.complete || r.label != label) continue;
    if (!groups.count(key_of(r))) order.push_back(key_of(r));
    groups[key_of(r)].push_back(r);
  }
  return groups;
}

std::vector<RunSteps> load(store::Store& s, const std::vector<store::RunInfo>& runs) {
  std::vector<RunSteps> out(runs.size());
  for (std::size_t i = 0; i < runs.size(); ++i) {
    s.for_each_step(runs[i].id, [&](const store::StepRow& row) {
      const double t = static_cast<double>(row.end_ns - row.start_ns) * 1e-9;
      if (t > 0) (row.phase == "prefill" ? out[i].prefill : out[i].decode).push_back(t);
    });
    out[i].seconds = seconds_between(runs[i].created_at, runs[i].finished_at);
  }
  return out;
}

// The samples of some runs as the gate takes them: one median per run, or every step.
std::vector<double> samples(const std::vector<RunSteps>& runs, std::span<const std::size_t> which, bool prefill,
                            bool by_run, double scale) {
  std::vector<double> out;
  for (std::size_t i : which) {
    const std::vector<double>& v = runs[i].of(prefill);
    if (v.empty()) continue;
    if (by_run) {
      out.push_back(stats::median(v) * scale);
    } else {
      for (double t : v) out.push_back(t * scale);
    }
  }
  return out;
}

void shuffle(std::vector<std::size_t>& idx, stats::detail::SplitMix64& rng) {
  std::iota(idx.begin(), idx.end(), 0);
  for (std::size_t i = idx.size() - 1; i > 0; --i) std::swap(idx[i], idx[rng.below(i + 1)]);  // Fisher-Yates
}

std::string display_name(const store::RunInfo& r, const std::map<std::string, SuiteEntry>& suite) {
  auto entry = suite.find(work_key(r.config_json, r.batch, r.prompt_len, r.decode_steps));
  if (entry != suite.end()) return entry->second.name + " (" + r.backend + ")";
  if (r.backend == "gbench") return r.model + " (gbench)";
  return r.model + " " + r.variant + " B=" + std::to_string(r.batch) + " " + r.backend;
}

// Counts one trial into the rows (one per threshold): `estimate(scale)` is the trial's ratio
// estimate with the candidate side's steps times `scale`, judged once per threshold.
template <typename Estimate>
void tally(std::vector<PowerResult>& rows, const PowerOptions& o, Estimate estimate) {
  const stats::RatioEstimate aa = estimate(1.0);
  for (PowerResult& p : rows) {
    const stats::GateVerdict v = stats::gate_verdict(aa, p.threshold, o.alpha);
    p.aa_regressed += v == stats::GateVerdict::regressed;
    p.aa_inconclusive += v == stats::GateVerdict::inconclusive;
    p.aa_improved += v == stats::GateVerdict::improved;
  }
  for (std::size_t k = 0; k < o.slowdowns.size(); ++k) {
    const stats::RatioEstimate slow = estimate(1.0 + o.slowdowns[k]);
    for (PowerResult& p : rows)
      p.detected[k] += stats::gate_verdict(slow, p.threshold, o.alpha) == stats::GateVerdict::regressed;
  }
}

void normalize(PowerResult& p, int trials) {
  p.aa_regressed /= trials;
  p.aa_inconclusive /= trials;
  p.aa_improved /= trials;
  for (double& d : p.detected) d /= trials;
}

std::string thread_counts(const std::vector<store::RunInfo>& runs, std::size_t n) {
  std::set<std::int64_t> t;
  for (std::size_t i = 0; i < n && i < runs.size(); ++i) t.insert(runs[i].threads);
  std::string out;
  for (std::int64_t x : t) out += (out.empty() ? "" : ",") + std::to_string(x);
  return out;
}

}  // namespace

std::vector<PowerResult> gate_power(store::Store& s, const std::string& label, const PowerOptions& o,
                                    const std::map<std::string, SuiteEntry>& suite) {
  if (o.trials < 1 || o.trials > 100000) throw InputError("trials", "must be in 1..100000");
  for (double x : o.slowdowns)
    if (!(x > 0 && x < 10)) throw InputError("slowdowns", "each must be a relative slowdown in (0, 10), e.g. 0.05");
  if (o.thresholds.empty()) throw InputError("threshold", "give at least one");
  for (double t : o.thresholds)
    if (!(t >= 0 && t < 1)) throw InputError("threshold", "each must be in [0, 1)");
  if (!(o.alpha > 0 && o.alpha < 1)) throw InputError("alpha", "must be in (0, 1)");
  if (o.pairs < 2 || o.pairs > 10000) throw InputError("pairs", "must be in 2..10000");
  const bool paired = !o.baseline_label.empty();
  const auto all = s.list_runs();
  std::vector<std::string> order, base_order;
  auto groups = groups_of(all, label, order);
  auto base_groups = paired ? groups_of(all, o.baseline_label, base_order) : decltype(groups){};
  std::vector<PowerResult> out;
  stats::detail::SplitMix64 rng{o.seed};
  for (const std::string& key : order) {
    const std::vector<store::RunInfo>& runs = groups[key];
    const std::vector<store::RunInfo>* base_runs = paired && base_groups.count(key) ? &base_groups[key] : nullptr;
    const std::size_t n = paired ? (base_runs ? std::min(runs.size(), base_runs->size()) : 0) : runs.size();
    if (paired ? n < static_cast<std::size_t>(o.pairs) : n < 4) continue;
    const std::vector<RunSteps> cand = load(s, runs);
    const std::vector<RunSteps> base = paired ? load(s, *base_runs) : std::vector<RunSteps>{};
    double seconds = 0;
    for (std::size_t i = 0; i < n; ++i) seconds += cand[i].seconds + (paired ? base[i].seconds : 0.0);
    std::string threads = thread_counts(runs, n);
    if (paired) {
      const std::string tb = thread_counts(*base_runs, n);
      if (tb != threads) threads = tb + " -> " + threads;
    }
    for (const bool prefill : {false, true}) {
      PowerResult p;
      p.workload = display_name(runs.front(), suite);
      p.metric = prefill ? "prefill" : "decode step";
      p.runs = static_cast<std::int64_t>(n);
      p.threads = threads;
      for (std::size_t i = 0; i < n; ++i)
        p.samples += static_cast<std::int64_t>(cand[i].of(prefill).size() + (paired ? base[i].of(prefill).size() : 0));
      if (p.samples == 0) continue;
      p.trials = o.trials;
      p.detected.assign(o.slowdowns.size(), 0.0);
      std::vector<std::size_t> idx(n);
      if (paired) {
        // What one gate costs: `pairs` pairs, both sides
        p.mode = "pairs";
        p.seconds_per_half = seconds / static_cast<double>(n) * o.pairs / 2;
        p.min_p = stats::wilcoxon_min_p(static_cast<std::size_t>(o.pairs));
      } else {
        const std::size_t half = n / 2;
        const bool by_run = half >= kMinRunsForRunLevel;
        p.mode = by_run ? "split-half, runs" : "split-half, steps";
        p.seconds_per_half = seconds / 2;
        p.min_p = by_run ? stats::mann_whitney_min_p(half, n - half) : 0.0;
      }
      std::vector<PowerResult> rows;
      for (double t : o.thresholds) {
        rows.push_back(p);
        rows.back().threshold = t;
      }
      if (paired) {
        const auto k = static_cast<std::size_t>(o.pairs);
        std::vector<std::size_t> drawn(k);
        for (int t = 0; t < o.trials; ++t) {
          // k of the n pairs: without replacement while there are more pairs than a trial takes,
          // else with (a bootstrap of the experiment), so that trials differ
          shuffle(idx, rng);
          for (std::size_t i = 0; i < k; ++i) drawn[i] = k < n ? idx[i] : rng.below(n);
          const std::span<const std::size_t> pick(drawn);
          const std::vector<double> b = samples(base, pick, prefill, true, 1.0);
          tally(rows, o, [&](double scale) {
            const std::vector<double> c = samples(cand, pick, prefill, true, scale);
            return stats::paired_ratio(b, c, 0.95, o.resamples, rng.next());
          });
        }
      } else {
        const std::size_t half = n / 2;
        const bool by_run = half >= kMinRunsForRunLevel;
        for (int t = 0; t < o.trials; ++t) {
          shuffle(idx, rng);
          const std::span<const std::size_t> a(idx.data(), half), b(idx.data() + half, n - half);
          const std::vector<double> x = samples(cand, a, prefill, by_run, 1.0);
          tally(rows, o, [&](double scale) {
            const std::vector<double> y = samples(cand, b, prefill, by_run, scale);
            return stats::ratio_of_medians(x, y, 0.95, o.resamples, rng.next());
          });
        }
      }
      for (PowerResult& r : rows) {
        normalize(r, o.trials);
        out.push_back(std::move(r));
      }
    }
  }
  if (out.empty())
    throw InputError("label", paired ? "no workload of '" + label + "' has " + std::to_string(o.pairs) +
                                           " runs paired with runs of '" + o.baseline_label +
                                           "': run `looplab gate run SUITE --baseline-bin BIN --rounds N` with N >= " +
                                           std::to_string(o.pairs)
                                     : "no workload of '" + label +
                                           "' has 4 complete runs or more: measure the suite again under the same "
                                           "label (looplab gate run SUITE --label " +
                                           label + ")");
  return out;
}

std::optional<double> choose_threshold(std::span<const PowerResult> rows, const PowerOptions& o, double slowdown,
                                       double max_false_alarm, double min_detection) {
  const auto k = std::find(o.slowdowns.begin(), o.slowdowns.end(), slowdown);
  if (k == o.slowdowns.end()) return std::nullopt;
  const auto at = static_cast<std::size_t>(k - o.slowdowns.begin());
  std::optional<double> best;
  for (const PowerResult& r : rows)
    if (at < r.detected.size() && r.aa_regressed <= max_false_alarm && r.detected[at] >= min_detection &&
        (!best || r.threshold < *best))
      best = r.threshold;
  return best;
}

}  // namespace looplab::lab
