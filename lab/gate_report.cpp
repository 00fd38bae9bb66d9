// Rendering a GateReport (gate_report.hpp).
#include "lab/gate_report.hpp"

#include <cstdio>
#include <sstream>

#include "simulator/format.hpp"

namespace looplab::lab {

namespace {

std::string verdict_text(stats::GateVerdict v) { return std::string(stats::to_string(v)); }

std::string xml_escape(const std::string& s) {
  std::string out;
  for (const char c : s) switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // XML 1.0 forbids most control characters, even escaped
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\t') out += c;
    }
  return out;
}

// Markdown table cells: a pipe would end the cell.
std::string md_cell(const std::string& s) {
  std::string out;
  for (const char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c != '\n')
      out += c;
  }
  return out;
}

std::string interval(const GateMetric& m) {
  if (m.exact) return "exact";
  return percent_change(m.estimate.ci.lo) + " .. " + percent_change(m.estimate.ci.hi);
}

std::string p_value(const GateMetric& m) {
  if (m.exact) return "-";
  char b[32];
  std::snprintf(b, sizeof b, "%.2g", m.estimate.test.p);
  return b;
}

std::string kinds_line(const GateMetric& m) {
  std::string out;
  for (const KindChange& k : m.kinds) {
    if (!out.empty()) out += ", ";
    char b[64];
    std::snprintf(b, sizeof b, " (%.0f%%)", 100 * k.share);
    out += k.kind + " " + format_time(k.baseline_s) + " -> " + format_time(k.candidate_s) + b;
  }
  return out;
}

// One line on a metric: what a failure message or a summary says.
std::string metric_summary(const GateMetric& m) {
  char b[64];
  std::snprintf(b, sizeof b, "%.1f%%", 100 * m.threshold);
  std::string s = verdict_text(m.verdict) + ": " + percent_change(m.estimate.ratio) + " (" +
                  format_value(m, m.baseline_median_s) + " -> " + format_value(m, m.candidate_median_s) +
                  "; 95% interval " + interval(m) + ", p " + p_value(m) + "; threshold " + b + ")";
  if (!m.kinds.empty()) s += "; op kinds: " + kinds_line(m);
  if (!m.note.empty()) s += "; " + m.note;
  return s;
}

}  // namespace

std::string format_value(const GateMetric& m, double v) {
  if (!m.bytes) return format_time(v);
  char b[64];
  std::snprintf(b, sizeof b, "%.0f B", v);  // exact: a byte more is a change
  return format_bytes(v) + " (" + b + ")";
}

std::string percent_change(double ratio) {
  char b[32];
  std::snprintf(b, sizeof b, "%+.1f%%", 100 * (ratio - 1));
  return b;
}

nlohmann::json gate_report_json(const GateReport& r) {
  nlohmann::json ws = nlohmann::json::array();
  for (const auto& w : r.workloads) {
    nlohmann::json ms = nlohmann::json::array();
    for (const auto& m : w.metrics) {
      nlohmann::json kinds = nlohmann::json::array();
      for (const KindChange& k : m.kinds)
        kinds.push_back(
            {{"kind", k.kind}, {"baseline_s", k.baseline_s}, {"candidate_s", k.candidate_s}, {"share", k.share}});
      ms.push_back({{"metric", m.name},
                    {"baseline_median_s", m.baseline_median_s},
                    {"candidate_median_s", m.candidate_median_s},
                    {"ratio", m.estimate.ratio},
                    {"ci95", {m.estimate.ci.lo, m.estimate.ci.hi}},
                    {"p", m.exact ? nlohmann::json(nullptr) : nlohmann::json(m.estimate.test.p)},
                    {"test", m.exact            ? "none (deterministic)"
                             : r.options.paired ? "wilcoxon signed-rank"
                                                : "mann-whitney u"},
                    {"unit", m.unit},
                    {"value_unit", m.bytes ? "bytes" : "s"},
                    {"samples", {m.estimate.n_baseline, m.estimate.n_candidate}},
                    {"threshold", m.threshold},
                    {"verdict", verdict_text(m.verdict)},
                    {"note", m.note.empty() ? nlohmann::json() : nlohmann::json(m.note)},
                    {"op_kinds", kinds}});
    }
    ws.push_back({{"workload", w.name},
                  {"baseline_runs", w.baseline_runs},
                  {"candidate_runs", w.candidate_runs},
                  {"environment", w.environment},
                  {"metrics", ms}});
  }
  return {{"baseline", r.baseline_label},
          {"candidate", r.candidate_label},
          {"default_threshold", r.options.threshold},
          {"alpha", r.options.alpha},
          {"paired", r.options.paired},
          {"verdict", verdict_text(r.overall)},
          {"exit_code", gate_exit_code(r.overall)},
          {"workloads", ws},
          {"only_baseline", r.only_baseline},
          {"only_candidate", r.only_candidate}};
}

std::string gate_report_markdown(const GateReport& r) {
  std::ostringstream o;
  const char* mark = r.overall == stats::GateVerdict::regressed      ? "regressed"
                     : r.overall == stats::GateVerdict::inconclusive ? "inconclusive (too noisy to tell)"
                                                                     : "pass";
  o << "## looplab gate: **" << mark << "**\n\n";
  o << "Candidate " << md_cell(r.candidate_label) << " against baseline " << md_cell(r.baseline_label) << "; "
    << (r.options.paired ? "interleaved pairs (Wilcoxon signed-rank)"
                         : "Mann-Whitney U over run medians (3 runs a side or more) or pooled steps")
    << ", alpha " << r.options.alpha << ".\n\n";
  o << "| workload | metric | baseline | candidate | change | 95% interval | p | threshold | verdict |\n";
  o << "|---|---|---:|---:|---:|---|---:|---:|---|\n";
  for (const auto& w : r.workloads)
    for (const auto& m : w.metrics) {
      char t[32];
      std::snprintf(t, sizeof t, "%.1f%%", 100 * m.threshold);
      const std::string v = verdict_text(m.verdict);
      o << "| " << md_cell(w.name) << " | " << m.name << " | " << format_value(m, m.baseline_median_s) << " | "
        << format_value(m, m.candidate_median_s) << " | " << percent_change(m.estimate.ratio) << " | " << interval(m)
        << " | " << p_value(m) << " | " << t << " | "
        << (m.verdict == stats::GateVerdict::regressed ? "**" + v + "**" : v) << " |\n";
    }
  bool heading = false;
  for (const auto& w : r.workloads)
    for (const auto& m : w.metrics) {
      if (m.kinds.empty()) continue;
      if (!heading) o << "\n### Op kinds behind the changes\n\n";
      heading = true;
      o << "- **" << md_cell(w.name) << "**, " << m.name << " " << percent_change(m.estimate.ratio) << " ("
        << verdict_text(m.verdict) << "): " << md_cell(kinds_line(m)) << "\n";
    }
  heading = false;
  for (const auto& w : r.workloads)
    for (const auto& m : w.metrics) {
      if (m.note.empty()) continue;
      if (!heading) o << "\n### Notes\n\n";
      heading = true;
      o << "- **" << md_cell(w.name) << "**, " << m.name << ": " << md_cell(m.note) << "\n";
    }
  heading = false;
  for (const auto& w : r.workloads)
    for (const auto& e : w.environment) {
      if (!heading) o << "\n### Environment differences (reported, not matched on)\n\n";
      heading = true;
      o << "- " << md_cell(w.name) << ": " << md_cell(e) << "\n";
    }
  if (!r.only_baseline.empty() || !r.only_candidate.empty()) {
    o << "\n### Unmatched workloads\n\n";
    for (const auto& n : r.only_baseline) o << "- only in the baseline: " << md_cell(n) << "\n";
    for (const auto& n : r.only_candidate) o << "- only in the candidate: " << md_cell(n) << "\n";
  }
  return o.str();
}

std::string gate_report_junit(const GateReport& r) {
  std::int64_t tests = 0, failures = 0, skipped = 0;
  for (const auto& w : r.workloads)
    for (const auto& m : w.metrics) {
      ++tests;
      failures += m.verdict == stats::GateVerdict::regressed;
      skipped += m.verdict == stats::GateVerdict::inconclusive;
    }
  std::ostringstream o;
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  o << "<testsuites name=\"looplab gate\" tests=\"" << tests << "\" failures=\"" << failures
    << "\" errors=\"0\" skipped=\"" << skipped << "\">\n";
  for (const auto& w : r.workloads) {
    std::int64_t wf = 0, ws = 0;
    for (const auto& m : w.metrics) {
      wf += m.verdict == stats::GateVerdict::regressed;
      ws += m.verdict == stats::GateVerdict::inconclusive;
    }
    o << "  <testsuite name=\"" << xml_escape(w.name) << "\" tests=\"" << w.metrics.size() << "\" failures=\"" << wf
      << "\" errors=\"0\" skipped=\"" << ws << "\">\n";
    for (const auto& m : w.metrics) {
      const std::string summary = xml_escape(metric_summary(m));
      o << "    <testcase classname=\"looplab.gate." << xml_escape(w.name) << "\" name=\"" << xml_escape(m.name)
        << "\" time=\"0\">";
      if (m.verdict == stats::GateVerdict::regressed)
        o << "\n      <failure type=\"regressed\" message=\"" << summary << "\">" << summary << "</failure>\n    ";
      else if (m.verdict == stats::GateVerdict::inconclusive)
        o << "\n      <skipped message=\"" << summary << "\"/>\n    ";
      else
        o << "<system-out>" << summary << "</system-out>";
      o << "</testcase>\n";
    }
    o << "  </testsuite>\n";
  }
  o << "</testsuites>\n";
  return o.str();
}

}  // namespace looplab::lab
