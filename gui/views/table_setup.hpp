// One look for the views' tables: sortable through a SortRole proxy that keeps summary rows last,
// tinted by bound and verdict, compact.
#pragma once

class QAbstractItemModel;
class QTableView;
class QWidget;

namespace looplab::gui {

// A read-only table over `model` (sorted by SortRole with SummaryRowRole rows last, rows tinted
// by BoundRole and figures colored by VerdictRole when the model provides them), columns sized to
// their contents once, at fill time.
QTableView* makeTable(QAbstractItemModel* model, QWidget* parent);
// Resizes the columns to their contents (small tables only: it measures every row).
void fitColumns(QTableView* table);

}  // namespace looplab::gui
