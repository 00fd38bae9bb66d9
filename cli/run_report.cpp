// Formatting of runs and of the measured-vs-predicted table.
#include "cli/run_report.hpp"

#include <cstdio>

#include "simulator/format.hpp"

namespace looplab::cli {

std::string time_or_dash(const std::optional<double>& s) { return s ? format_time(*s) : "-"; }

std::string error_pct(const std::optional<double>& predicted, const std::optional<double>& measured) {
  if (!predicted || !measured || *measured <= 0) return "-";
  char b[32];
  std::snprintf(b, sizeof b, "%+.1f%%", (*predicted - *measured) / *measured * 100.0);
  return b;
}

std::string run_headline(const store::RunInfo& r) {
  const std::string verdict = r.stats.verdict.empty() ? "" : ", " + r.stats.verdict;
  return "run " + std::to_string(r.id) + " (" + std::string(store::to_string(r.status)) + verdict + "): " + r.model +
         " " + r.variant + " L=" + std::to_string(r.loops) + ", batch " + std::to_string(r.batch) + ", prompt " +
         std::to_string(r.prompt_len) + ", " + std::to_string(r.decode_steps) + " decode steps x " +
         std::to_string(r.repeats) + " repeats (" + std::to_string(r.warmup) + " warm-up), " + r.backend +
         " backend, " + r.tracer + " tracer, " + std::to_string(r.threads) + " threads";
}

std::string phase_line(const char* phase, const store::PhaseStats& p) {
  if (!p.median_s) return std::string(phase) + " step: not measured";
  const double half = p.ci_lo_s && p.ci_hi_s && *p.median_s > 0 ? (*p.ci_hi_s - *p.ci_lo_s) / 2 / *p.median_s : 0;
  char b[64];
  std::snprintf(b, sizeof b, "+-%.1f%%", 100 * half);
  return std::string(phase) + " step " + format_time(*p.median_s) + " [" + time_or_dash(p.ci_lo_s) + ", " +
         time_or_dash(p.ci_hi_s) + "] (" + b + "), p10 " + time_or_dash(p.p10_s) + ", p90 " + time_or_dash(p.p90_s) +
         ", " + std::to_string(p.outliers) + " outliers of " + std::to_string(p.samples) + ": " + p.verdict;
}

void print_run_quality(const store::RunInfo& r) {
  const store::RunStats& s = r.stats;
  std::printf("verdict: %s%s%s\n", s.verdict.empty() ? "none" : s.verdict.c_str(), s.verdict_reason.empty() ? "" : " (",
              s.verdict_reason.empty() ? "" : (s.verdict_reason + ")").c_str());
  std::printf("  %s\n  %s\n", phase_line("prefill", s.prefill).c_str(), phase_line("decode", s.decode).c_str());
  const store::MachineState& m = r.machine;
  auto load = [](const std::optional<double>& v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.2f", v.value_or(0));
    return v ? std::string(b) : std::string("?");
  };
  std::string machine = "machine: load " + load(m.load_before) + " -> " + load(m.load_after);
  if (m.others_cpu_s && m.window_s && *m.window_s > 0) {
    char b[96];
    std::snprintf(b, sizeof b, ", other processes %.2f CPUs over %.1f s", *m.others_cpu_s / *m.window_s, *m.window_s);
    machine += b;
  }
  if (m.steal_fraction) {
    char b[48];
    std::snprintf(b, sizeof b, ", steal %.1f%%", 100 * *m.steal_fraction);
    machine += b;
  }
  machine += ", CPUs " + (m.affinity.empty() ? std::string("?") : m.affinity) + " of " + std::to_string(m.cpus_online);
  if (!m.pinning.empty()) machine += " (pinned)";
  machine += ", governor " + (m.governor.empty() ? std::string("none") : m.governor) + ", threads: " + m.thread_policy;
  std::printf("%s\n", machine.c_str());
  if (!r.policy.stop_reason.empty())
    std::printf("repeats: %lld, stopped on %s\n", (long long)r.repeats, r.policy.stop_reason.c_str());
}

void print_kind_table(const std::vector<store::KindRow>& rows) {
  const char* fmt = "%-8s %-19s %11s %25s %11s %4s %11s %11s %9s\n";
  std::printf(fmt, "phase", "op kind", "measured", "95% interval", "p90", "out", "mean", "predicted", "error");
  for (const store::KindRow& r : rows) {
    std::string err = "-";
    if (r.error_pct) {
      char b[32];
      std::snprintf(b, sizeof b, "%+.1f%%", *r.error_pct);
      err = b;
    }
    if (r.kind == "unattributed") std::printf(fmt, "", "", "-------", "", "", "", "-------", "-------", "");
    const bool any = r.measured.samples > 0;
    const std::string ci = any ? "[" + format_time(r.measured.ci.lo) + ", " + format_time(r.measured.ci.hi) + "]" : "-";
    std::printf(fmt, r.phase.c_str(), r.kind.c_str(), any ? format_time(r.measured.median).c_str() : "-", ci.c_str(),
                any ? format_time(r.measured.p90).c_str() : "-",
                any ? std::to_string(r.measured.outliers).c_str() : "-",
                any ? format_time(r.measured_mean_s).c_str() : "-", time_or_dash(r.predicted_s).c_str(), err.c_str());
  }
  std::printf(
      "measured = median over every (repeat, step) of the phase of the per-step time (a kind: its ops "
      "summed; unattributed: step wall time minus all ops; step: wall time); out = MAD outliers; the means "
      "add up to the step's mean, the medians need not; error = (predicted - measured) / measured\n");
}

nlohmann::json kind_table_json(const std::vector<store::KindRow>& rows) {
  nlohmann::json out = nlohmann::json::array();
  for (const store::KindRow& r : rows) {
    nlohmann::json j = {{"phase", r.phase},
                        {"kind", r.kind},
                        {"samples", r.measured.samples},
                        {"measured_median_s", r.measured.median},
                        {"measured_ci_lo_s", r.measured.ci.lo},
                        {"measured_ci_hi_s", r.measured.ci.hi},
                        {"measured_p10_s", r.measured.p10},
                        {"measured_p90_s", r.measured.p90},
                        {"measured_mean_s", r.measured_mean_s},
                        {"outliers", r.measured.outliers},
                        {"verdict", std::string(stats::to_string(r.measured.verdict))}};
    j["predicted_s"] = r.predicted_s ? nlohmann::json(*r.predicted_s) : nlohmann::json();
    j["error_pct"] = r.error_pct ? nlohmann::json(*r.error_pct) : nlohmann::json();
    out.push_back(j);
  }
  return out;
}

namespace {

nlohmann::json opt(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

nlohmann::json phase_json(const store::PhaseStats& p) {
  return {{"median_s", opt(p.median_s)}, {"ci_lo_s", opt(p.ci_lo_s)}, {"ci_hi_s", opt(p.ci_hi_s)},
          {"p10_s", opt(p.p10_s)},       {"p90_s", opt(p.p90_s)},     {"unattributed_s", opt(p.unattributed_s)},
          {"samples", p.samples},        {"outliers", p.outliers},    {"verdict", p.verdict}};
}

}  // namespace

nlohmann::json run_info_json(const store::RunInfo& r) {
  nlohmann::json config = nlohmann::json::parse(r.config_json, nullptr, false);
  const store::MachineState& m = r.machine;
  return {{"id", r.id},
          {"created_at", r.created_at},
          {"finished_at", r.finished_at},
          {"status", std::string(store::to_string(r.status))},
          {"complete", r.complete},
          {"label", r.label},
          {"model", r.model},
          {"variant", r.variant},
          {"loops", r.loops},
          {"config", config.is_discarded() ? nlohmann::json(r.config_json) : config},
          {"batch", r.batch},
          {"prompt_len", r.prompt_len},
          {"decode_steps", r.decode_steps},
          {"warmup", r.warmup},
          {"repeats", r.repeats},
          {"repetition",
           {{"min_repeats", r.policy.min_repeats},
            {"min_time_s", r.policy.min_time_s},
            {"max_time_s", r.policy.max_time_s},
            {"target_ci", r.policy.target_ci},
            {"stop_reason", r.policy.stop_reason}}},
          {"backend", r.backend},
          {"tracer", r.tracer},
          {"hardware", r.hardware},
          {"device_name", r.device_name},
          {"driver_version", r.driver_version},
          {"cuda_version", r.cuda_version},
          {"engine_commit", r.engine_commit},
          {"host", r.host},
          {"pid", r.pid},
          {"seed", r.seed},
          {"threads", r.threads},
          {"dropped_records", r.dropped_records},
          {"lost_attributions", r.lost_attributions},
          {"error", r.error},
          {"verdict", r.stats.verdict},
          {"verdict_reason", r.stats.verdict_reason},
          {"prefill", phase_json(r.stats.prefill)},
          {"decode", phase_json(r.stats.decode)},
          {"predicted_prefill_s", opt(r.stats.predicted_prefill_s)},
          {"predicted_decode_s", opt(r.stats.predicted_decode_s)},
          {"machine",
           {{"load_before", opt(m.load_before)},
            {"load_after", opt(m.load_after)},
            {"others_cpu_s", opt(m.others_cpu_s)},
            {"steal_fraction", opt(m.steal_fraction)},
            {"window_s", opt(m.window_s)},
            {"cpus_online", m.cpus_online},
            {"affinity", m.affinity},
            {"pinning", m.pinning},
            {"governor", m.governor},
            {"thread_policy", m.thread_policy}}}};
}

}  // namespace looplab::cli
