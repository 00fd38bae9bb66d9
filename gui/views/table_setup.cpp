// makeTable (see table_setup.hpp).
#include "gui/views/table_setup.hpp"

#include <QHeaderView>
#include <QTableView>

#include "gui/models/summary_last_proxy.hpp"
#include "gui/views/bound_tint_proxy.hpp"

namespace looplab::gui {

QTableView* makeTable(QAbstractItemModel* model, QWidget* parent) {
  auto* table = new QTableView(parent);
  auto* tint = new BoundTintProxy(table);
  tint->setSourceModel(model);
  auto* sort = new SummaryLastProxy(table);  // sorts by SortRole; summary rows stay last
  sort->setSourceModel(tint);
  table->setModel(sort);
  // Model order (plan order) until the user clicks a header.
  table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
  table->setSortingEnabled(true);
  table->setSelectionBehavior(QAbstractItemView::SelectRows);
  table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table->setWordWrap(false);
  table->verticalHeader()->setVisible(false);
  table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
  table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 6);
  table->horizontalHeader()->setStretchLastSection(true);
  return table;
}

void fitColumns(QTableView* table) { table->resizeColumnsToContents(); }

}  // namespace looplab::gui
