// Item data roles shared by the models and the views (the views color by BoundRole and
// VerdictRole, sort by SortRole, keep SummaryRowRole rows last, and find the run or op behind a
// row by RunIdRole / OpIndexRole).
#pragma once
#include <Qt>

namespace looplab::gui {

enum ItemRole : int {
  SortRole = Qt::UserRole + 1,  // raw number or text to sort by
  BoundRole,                    // int(Bound) of the row
  RunIdRole,                    // qint64 run id
  OpIndexRole,                  // int plan op index
  VariantRole,                  // int(Variant)
  ParetoRole,                   // bool: sweep point on the Pareto front
  MissingRole,                  // bool: the cell has no value (sorted last)
  VerdictRole,                  // int verdictRank() of the figure in the cell; none when quiet
                                // or not a measurement
  SummaryRowRole,               // bool: an "unattributed" or "step" row, kept below the others
};

}  // namespace looplab::gui
