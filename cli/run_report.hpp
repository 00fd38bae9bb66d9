// Text and JSON views of stored runs, shared by `looplab run`, `looplab runs` and `looplab demo`.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/records.hpp"
#include "store/summary.hpp"

namespace looplab::cli {

// "run 12 (complete): small plt L=2, batch 1, prompt 32, 16 decode steps x 5 repeats, cpu/host"
std::string run_headline(const store::RunInfo& r);
// The measured-vs-predicted table, one line per phase and op kind.
void print_kind_table(const std::vector<store::KindRow>& rows);
nlohmann::json kind_table_json(const std::vector<store::KindRow>& rows);
nlohmann::json run_info_json(const store::RunInfo& r);
// "12.3 us" or "-" when absent.
std::string time_or_dash(const std::optional<double>& s);

}  // namespace looplab::cli
