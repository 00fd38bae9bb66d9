// Text and JSON views of stored runs, shared by `looplab run`, `looplab runs` and `looplab demo`.
// The numbers follow store/summary.hpp's one definition of "measured"; every table says how
// noisy its numbers are.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "store/records.hpp"
#include "store/summary.hpp"

namespace looplab::cli {

// "run 12 (complete, noisy): small plt L=2, batch 1, prompt 32, 16 decode steps x 5 repeats, ..."
std::string run_headline(const store::RunInfo& r);
// "decode step 5.21 ms [5.10, 5.33] (+-2.2%), p10 4.9 ms, p90 6.0 ms, 3 outliers of 80: noisy"
std::string phase_line(const char* phase, const store::PhaseStats& p);
// The verdict, its reason and the machine's state in two or three lines.
void print_run_quality(const store::RunInfo& r);
// The measured-vs-predicted table, one line per phase and op kind, then unattributed and step.
void print_kind_table(const std::vector<store::KindRow>& rows);
nlohmann::json kind_table_json(const std::vector<store::KindRow>& rows);
nlohmann::json run_info_json(const store::RunInfo& r);
// "12.3 us" or "-" when absent.
std::string time_or_dash(const std::optional<double>& s);
// "+4.1%" or "-" when either is missing.
std::string error_pct(const std::optional<double>& predicted, const std::optional<double>& measured);

}  // namespace looplab::cli
