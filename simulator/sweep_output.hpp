// Sweep results as CSV (one row per point, `pareto` flag column) or JSON, and a text summary of
// the Pareto fronts.
#pragma once
#include <nlohmann/json.hpp>
#include <ostream>

#include "simulator/sweep.hpp"

namespace looplab {

void write_sweep_csv(std::ostream& out, const SweepResult& r);
nlohmann::json sweep_to_json(const ResolvedSweep& s, const SweepResult& r);
// Per workload: how many points, how many on the front, and the front's points (at most
// `max_listed` per workload).
// At most `max_workloads` workloads are listed (0: all); the rest are counted in one line.
void write_pareto_summary(std::ostream& out, const SweepResult& r, std::size_t max_listed = 8,
                          std::size_t max_workloads = 0);
// One line on the objective's best feasible point ("" when the spec has no objective).
std::string best_point_line(const ResolvedSweep& s, const SweepResult& r);

}  // namespace looplab
