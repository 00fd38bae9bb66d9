// Colors a cell's text by the model's VerdictRole (noisy orange, unusable vermillion): for tables
// whose model must stay the filter proxy itself (the runs browser selects through it).
#pragma once
#include <QStyledItemDelegate>

namespace looplab::gui {

class VerdictDelegate : public QStyledItemDelegate {
  Q_OBJECT

 public:
  using QStyledItemDelegate::QStyledItemDelegate;

 protected:
  void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override;
};

}  // namespace looplab::gui
