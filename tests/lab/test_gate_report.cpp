// The gate's reports from a hand-built report: JUnit counts match the verdicts and names are
// escaped; the Markdown puts the verdict first and every table row has the header's cells; the
// JSON carries each metric with its test. (tests/lab/gate_e2e.sh parses real ones with Python.)
#include <gtest/gtest.h>

#include <sstream>

#include "lab/gate_report.hpp"

using namespace looplab;
using namespace looplab::lab;

namespace {

GateMetric metric(const std::string& name, double ratio, stats::GateVerdict v, bool exact = false) {
  GateMetric m;
  m.name = name;
  m.baseline_median_s = 1e-3;
  m.candidate_median_s = ratio * 1e-3;
  m.threshold = 0.05;
  m.exact = exact;
  m.estimate.ratio = ratio;
  m.estimate.ci = {ratio - 0.02, ratio + 0.02};
  m.estimate.test.p = exact ? 0 : 0.001;
  m.verdict = v;
  return m;
}

GateReport sample() {
  GateReport r;
  r.baseline_label = "'main'";
  r.candidate_label = "'pr <7> & \"x\"'";
  GateWorkload a;
  a.name = "small-plt-b4 (cpu)";
  GateMetric slow = metric("decode step", 1.2, stats::GateVerdict::regressed);
  slow.kinds = {{"gate_up_proj", 4e-4, 5e-4, 0.7}, {"attn_local_gate", 1e-4, 1.4e-4, 0.3}};
  a.metrics = {slow, metric("prefill", 1.01, stats::GateVerdict::pass),
               metric("predicted decode step", 1.0, stats::GateVerdict::pass, true)};
  a.environment = {"threads 2 -> 1"};
  GateWorkload b;
  b.name = "tiny | odd";
  b.metrics = {metric("decode step", 1.05, stats::GateVerdict::inconclusive)};
  r.workloads = {a, b};
  r.only_candidate = {"new-workload"};
  r.overall = overall_verdict(r.workloads);
  return r;
}

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

// Cells of a Markdown table row: pipes not escaped by a backslash.
std::size_t cells(const std::string& line) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < line.size(); ++i)
    if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) ++n;
  return n;
}

}  // namespace

TEST(GateReport, JUnitCountsMatchTheVerdicts) {
  const std::string x = gate_report_junit(sample());
  EXPECT_EQ(x.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0), 0u);
  EXPECT_NE(x.find("<testsuites name=\"looplab gate\" tests=\"4\" failures=\"1\" errors=\"0\" skipped=\"1\">"),
            std::string::npos);
  EXPECT_EQ(count(x, "<testcase "), 4u);
  EXPECT_EQ(count(x, "<failure "), 1u);
  EXPECT_EQ(count(x, "<skipped "), 1u);
  EXPECT_EQ(count(x, "<testsuite "), 2u);
  EXPECT_EQ(count(x, "</testsuite>"), 2u);
  // the failure names the op kinds behind it
  EXPECT_NE(x.find("op kinds: gate_up_proj"), std::string::npos);
  // a workload name with a pipe passes through; nothing unescaped that XML forbids in attributes
  EXPECT_NE(x.find("name=\"tiny | odd\""), std::string::npos);
  EXPECT_EQ(x.find("<7>"), std::string::npos);
}

TEST(GateReport, MarkdownPutsTheVerdictFirstAndKeepsTheTableShape) {
  const std::string md = gate_report_markdown(sample());
  EXPECT_EQ(md.rfind("## looplab gate: **regressed**", 0), 0u);
  std::istringstream in(md);
  std::string line;
  std::size_t header = 0, rows = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] != '|') continue;
    if (header == 0) {
      header = cells(line);
      continue;
    }
    EXPECT_EQ(cells(line), header) << line;
    ++rows;
  }
  EXPECT_EQ(header, 10u);  // 9 columns
  EXPECT_EQ(rows, 5u);     // the separator and 4 metrics
  EXPECT_NE(md.find("**regressed**"), std::string::npos);
  EXPECT_NE(md.find("gate_up_proj 400.00 us -> 500.00 us (70%)"), std::string::npos);
  EXPECT_NE(md.find("threads 2 -> 1"), std::string::npos);
  EXPECT_NE(md.find("only in the candidate: new-workload"), std::string::npos);
}

TEST(GateReport, JsonCarriesEveryMetricWithItsTest) {
  const nlohmann::json j = gate_report_json(sample());
  EXPECT_EQ(j.at("verdict"), "regressed");
  EXPECT_EQ(j.at("exit_code"), 1);
  ASSERT_EQ(j.at("workloads").size(), 2u);
  const auto& m = j.at("workloads")[0].at("metrics");
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].at("test"), "mann-whitney u");
  EXPECT_EQ(m[0].at("op_kinds").size(), 2u);
  EXPECT_TRUE(m[2].at("p").is_null());  // a prediction has no test
  EXPECT_EQ(m[2].at("test"), "none (deterministic)");
}

TEST(GateReport, PercentChange) {
  EXPECT_EQ(percent_change(1.123), "+12.3%");
  EXPECT_EQ(percent_change(0.9), "-10.0%");
  EXPECT_EQ(percent_change(1.0), "+0.0%");
}
