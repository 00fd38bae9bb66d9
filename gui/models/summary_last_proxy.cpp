// SummaryLastProxy (see summary_last_proxy.hpp).
#include "gui/models/summary_last_proxy.hpp"

#include "gui/models/roles.hpp"

namespace looplab::gui {

SummaryLastProxy::SummaryLastProxy(QObject* parent) : QSortFilterProxyModel(parent) { setSortRole(SortRole); }

bool SummaryLastProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const {
  const bool leftSummary = left.data(SummaryRowRole).toBool();
  const bool rightSummary = right.data(SummaryRowRole).toBool();
  if (leftSummary != rightSummary) {
    // Descending order reverses lessThan: answer so that summary rows end up last either way.
    return sortOrder() == Qt::AscendingOrder ? rightSummary : leftSummary;
  }
  if (leftSummary) {  // unattributed above step, whatever the column
    return sortOrder() == Qt::AscendingOrder ? left.row() < right.row() : left.row() > right.row();
  }
  return QSortFilterProxyModel::lessThan(left, right);
}

}  // namespace looplab::gui
