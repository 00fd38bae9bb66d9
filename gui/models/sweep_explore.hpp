// What the sweep explorer computes from a sweep table, apart from drawing: which points form a
// workload (the CLI's grouping for its Pareto fronts), which points pass the filters, the
// categories to colour by, and how a column reads on an axis (label, unit, scale). Qt Core only.
#pragma once
#include <QString>
#include <string>
#include <vector>

#include "gui/models/snapshots.hpp"

namespace looplab::gui {

// The columns that define a workload, as `looplab sweep` groups its Pareto fronts
// (simulator/sweep.cpp, mark_pareto: same hardware, batch and context).
const std::vector<std::string>& workloadColumns();

// Every row's workload: group[r] indexes names (e.g. "h200, batch 4, context 4096"). Columns of
// workloadColumns() that the table lacks are left out of the key; columns lists the ones used
// (none: one workload for the whole table).
struct SweepGroups {
  std::vector<std::string> columns;
  std::vector<int> group;
  std::vector<std::string> names;
};
SweepGroups workloadGroups(const SweepTable& table);

// The explorer's filters: per column, the one value shown (empty: every value). A column the
// table lacks filters nothing.
struct SweepFilter {
  std::string hardware, model, variant, batch;
};
// The columns the explorer filters and colours by.
const std::vector<std::string>& categoryColumns();  // hardware, model, variant, batch
// shown[r]: the row passes every filter.
std::vector<bool> filterRows(const SweepTable& table, const SweepFilter& filter);
// The distinct cell texts of a column in first-appearance order (numbers sorted ascending);
// empty for a column the table lacks.
std::vector<std::string> distinctValues(const SweepTable& table, const std::string& column);
// category[r] indexes distinctValues(table, column); all 0 for a column the table lacks.
std::vector<int> categoryOf(const SweepTable& table, const std::string& column);

// Which rows may stand on a front: shown, and meeting the sweep's constraints when the table has
// a `feasible` column (the CLI's fronts hold feasible points only). The group of a row that may
// not is -1, for paretoFrontPerGroup.
std::vector<int> frontGroups(const SweepTable& table, const SweepGroups& groups, const std::vector<bool>& shown);

// How a column reads on an axis: value_on_axis = value * scale, titled "label (unit)" (or the
// bare label without a unit). Known sweep columns get a readable label and a unit picked for the
// largest value shown (seconds as ns/µs/ms/s, bytes as kB/MB/GB/TB, throughput as tokens/s or
// k tokens/s, FLOPs per token with an SI prefix); unknown columns keep their name and scale 1.
struct AxisUnit {
  QString label;
  QString unit;
  double scale = 1.0;
  QString title() const;
};
AxisUnit axisUnitFor(const std::string& column, double maxAbs);

}  // namespace looplab::gui
