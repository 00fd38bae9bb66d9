// The sort proxy of the measured tables: sorts by SortRole like any column, but keeps the rows
// that sum up the step (SummaryRowRole: "unattributed", "step") below the others in either
// order, so the table still reads "these parts, then what they add up to".
#pragma once
#include <QSortFilterProxyModel>

namespace looplab::gui {

class SummaryLastProxy : public QSortFilterProxyModel {
  Q_OBJECT

 public:
  explicit SummaryLastProxy(QObject* parent = nullptr);

 protected:
  bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;
};

}  // namespace looplab::gui
