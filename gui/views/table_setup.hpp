// One look for the views' tables: sortable through a SortRole proxy, tinted by bound, compact.
#pragma once

class QAbstractItemModel;
class QTableView;
class QWidget;

namespace looplab::gui {

// A read-only table over `model` (sorted by SortRole, rows tinted by BoundRole when the model
// provides it), columns sized to their contents once, at fill time.
QTableView* makeTable(QAbstractItemModel* model, QWidget* parent);
// Resizes the columns to their contents (small tables only: it measures every row).
void fitColumns(QTableView* table);

}  // namespace looplab::gui
