// The gate's reports: JSON for scripts, Markdown for a pull-request comment (verdict first, a
// table, the op kinds behind a regression), JUnit XML for CI systems (one test case per workload
// and metric: a regression is a failure, an inconclusive metric is skipped).
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "lab/gate.hpp"

namespace looplab::lab {

nlohmann::json gate_report_json(const GateReport& r);
std::string gate_report_markdown(const GateReport& r);
std::string gate_report_junit(const GateReport& r);

// "+12.3%" for a ratio of 1.123.
// A metric's value as the reports print it: a time, or bytes (exact, with the SI size).
std::string format_value(const GateMetric& m, double v);
std::string percent_change(double ratio);

}  // namespace looplab::lab
