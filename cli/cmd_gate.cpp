// `looplab gate compare --db FILE --baseline LABEL --candidate LABEL`: the performance gate on two
// labels of one results store. Exit 0 pass, 1 regressed, 3 inconclusive only, 2 bad input.
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/commands.hpp"
#include "lab/gate.hpp"
#include "simulator/format.hpp"

namespace looplab::cli {
namespace {

struct GateArgs {
  std::string db = "looplab.db";
  std::string baseline, candidate;
  lab::GateOptions options;
  bool json = false;
};

std::string pct(double ratio) {
  char b[32];
  std::snprintf(b, sizeof b, "%+.1f%%", 100 * (ratio - 1));
  return b;
}

nlohmann::json report_json(const lab::GateReport& r) {
  nlohmann::json ws = nlohmann::json::array();
  for (const auto& w : r.workloads) {
    nlohmann::json ms = nlohmann::json::array();
    for (const auto& m : w.metrics)
      ms.push_back({{"metric", m.name},
                    {"baseline_median_s", m.baseline_median_s},
                    {"candidate_median_s", m.candidate_median_s},
                    {"ratio", m.estimate.ratio},
                    {"ci95", {m.estimate.ci.lo, m.estimate.ci.hi}},
                    {"mann_whitney_p", m.estimate.test.p},
                    {"samples", {m.estimate.n_baseline, m.estimate.n_candidate}},
                    {"verdict", std::string(stats::to_string(m.verdict))}});
    ws.push_back({{"workload", w.name},
                  {"baseline_runs", w.baseline_runs},
                  {"candidate_runs", w.candidate_runs},
                  {"environment", w.environment},
                  {"metrics", ms}});
  }
  return {{"baseline", r.baseline_label},
          {"candidate", r.candidate_label},
          {"threshold", r.options.threshold},
          {"alpha", r.options.alpha},
          {"verdict", std::string(stats::to_string(r.overall))},
          {"workloads", ws},
          {"only_baseline", r.only_baseline},
          {"only_candidate", r.only_candidate}};
}

int run_compare(const GateArgs& a) {
  auto s = store::open_store(a.db, store::OpenMode::read_only);
  const lab::GateReport r = lab::gate_compare(*s, a.baseline, a.candidate, a.options);
  if (a.json) {
    std::cout << report_json(r).dump(2) << "\n";
    return lab::gate_exit_code(r.overall);
  }
  std::printf("%s: '%s' against '%s' (threshold %.1f%%, alpha %.2f)\n\n",
              std::string(stats::to_string(r.overall)).c_str(), r.candidate_label.c_str(), r.baseline_label.c_str(),
              100 * r.options.threshold, r.options.alpha);
  std::printf("%-34s %-12s %12s %12s %9s %19s %8s  %s\n", "workload", "metric", "baseline", "candidate", "change",
              "95% interval", "p", "verdict");
  for (const auto& w : r.workloads) {
    for (const auto& m : w.metrics)
      std::printf("%-34s %-12s %12s %12s %9s %9s..%-9s %8.2g  %s\n", w.name.c_str(), m.name.c_str(),
                  format_time(m.baseline_median_s).c_str(), format_time(m.candidate_median_s).c_str(),
                  pct(m.estimate.ratio).c_str(), pct(m.estimate.ci.lo).c_str(), pct(m.estimate.ci.hi).c_str(),
                  m.estimate.test.p, std::string(stats::to_string(m.verdict)).c_str());
    for (const auto& e : w.environment) std::printf("%-34s   environment differs: %s\n", "", e.c_str());
  }
  for (const auto& n : r.only_baseline) std::printf("only in '%s': %s\n", r.baseline_label.c_str(), n.c_str());
  for (const auto& n : r.only_candidate) std::printf("only in '%s': %s\n", r.candidate_label.c_str(), n.c_str());
  return lab::gate_exit_code(r.overall);
}

Registered register_gate(CLI::App& root) {
  auto* sub = root.add_subcommand("gate", "performance gate: compare a candidate with a baseline");
  sub->require_subcommand(1);
  auto a = std::make_shared<GateArgs>();
  auto* c = sub->add_subcommand(
      "compare",
      "the runs of one label against another, workload by workload: ratio of medians with a bootstrap 95% "
      "interval, Mann-Whitney U, and a verdict. Exit 0 pass, 1 regressed, 3 inconclusive, 2 bad input");
  c->add_option("--db", a->db, "results store (SQLite file)")->capture_default_str();
  c->add_option("--baseline", a->baseline, "label of the baseline runs")->required();
  c->add_option("--candidate", a->candidate, "label of the candidate runs")->required();
  c->add_option("--threshold", a->options.threshold, "relative slowdown that counts as a regression")
      ->capture_default_str();
  c->add_option("--alpha", a->options.alpha, "significance level of the test")->capture_default_str();
  c->add_flag("--json", a->json, "machine-readable output");
  return {sub, [a, c] { return c->parsed() ? run_compare(*a) : 2; }};
}

const Registrar kGate(register_gate);

}  // namespace
}  // namespace looplab::cli
