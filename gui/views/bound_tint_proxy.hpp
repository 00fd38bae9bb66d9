// Paints the tables from the models' roles, so the Qt-Core models stay free of QtGui colors and
// fonts: BoundRole -> a light background tint per row, VerdictRole -> the text color of a figure
// that is not quiet, SummaryRowRole -> bold text on grey ("unattributed", "step").
#pragma once
#include <QIdentityProxyModel>

namespace looplab::gui {

class BoundTintProxy : public QIdentityProxyModel {
  Q_OBJECT

 public:
  using QIdentityProxyModel::QIdentityProxyModel;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
};

}  // namespace looplab::gui
